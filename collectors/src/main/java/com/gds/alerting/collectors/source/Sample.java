package com.gds.alerting.collectors.source;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One value a collector read, before it becomes a {@code Metric}.
 *
 * @param name       metric name, e.g. {@code connections_used_ratio}
 * @param value      the value
 * @param tags       tags of this series only (e.g. {@code database}, {@code state}); may be empty
 * @param measuredAt when the value describes, if not the cycle's time (Snowflake's account usage
 *                   lags by hours); null = the cycle's time
 */
public record Sample(String name, double value, Map<String, String> tags, Instant measuredAt) {

    public Sample {
        Objects.requireNonNull(name, "name");
        tags = Map.copyOf(tags);
    }

    public static Sample of(String name, double value) {
        return new Sample(name, value, Map.of(), null);
    }

    public static Sample of(String name, double value, String tagKey, String tagValue) {
        return new Sample(name, value, Map.of(tagKey, tagValue), null);
    }
}
