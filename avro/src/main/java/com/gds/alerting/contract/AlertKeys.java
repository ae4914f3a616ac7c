package com.gds.alerting.contract;

import java.util.Objects;

/**
 * The alert key, {@code <rule_id>:<instance_id>:<metric_name>}: the dedup key (one alert per key
 * at a time) and the record key on {@code gds.alerts.*}.
 */
public final class AlertKeys {

    private AlertKeys() {
    }

    public static String of(String ruleId, String instanceId, String metricName) {
        return Objects.requireNonNull(ruleId, "ruleId") + ":" + Objects.requireNonNull(instanceId, "instanceId")
                + ":" + Objects.requireNonNull(metricName, "metricName");
    }

    /** The parts of an alert key. */
    public record Parts(String ruleId, String instanceId, String metricName) {
    }

    /**
     * Splits an alert key: the rule id is up to the first ':' (rule ids have none), the metric
     * name after the last ':' (metric names selected by rules have none), the instance id is what
     * lies between (it may contain ':').
     *
     * @return the parts, or {@code null} when {@code alertKey} is not of that shape
     */
    public static Parts parse(String alertKey) {
        if (alertKey == null) {
            return null;
        }
        int first = alertKey.indexOf(':');
        int last = alertKey.lastIndexOf(':');
        if (first <= 0 || last <= first + 1 || last == alertKey.length() - 1) {
            return null;
        }
        return new Parts(alertKey.substring(0, first), alertKey.substring(first + 1, last), alertKey.substring(last + 1));
    }
}
