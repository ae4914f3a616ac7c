package com.gds.alerting.topologies.rules;

import java.util.Map;

/**
 * One time series as rules see it: a metric name on an instance, with the labels selectors can
 * match ({@code database_type}, {@code environment}, {@code instance_id}, {@code metric_name} and
 * every tag).
 */
public record Series(String metricName, String instanceId, String databaseType, String environment,
                     Map<String, String> tags) {

    public Series {
        tags = tags == null ? Map.of() : tags;
    }

    /** The value of a label, or {@code ""} when the series has no such label (as Prometheus). */
    public String label(String name) {
        String value = switch (name) {
            case "database_type" -> databaseType;
            case "environment" -> environment;
            case "instance_id" -> instanceId;
            case "metric_name" -> metricName;
            default -> tags.get(name);
        };
        return value == null ? "" : value;
    }
}
