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
}
