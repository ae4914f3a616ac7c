package com.gds.alerting.importer.warehouse;

/**
 * The unit of a metric where its name says it (Prometheus naming conventions: {@code _seconds},
 * {@code _bytes}, {@code _ratio}, {@code _total}, ...); null where it does not.
 */
public final class MetricUnits {

    private MetricUnits() {
    }

    /** The unit of {@code metricName}, or null. */
    public static String of(String metricName) {
        if (metricName.equals("up")) {
            return "boolean";
        }
        if (metricName.endsWith("_seconds")) {
            return "seconds";
        }
        if (metricName.endsWith("_ms")) {
            return "milliseconds";
        }
        if (metricName.endsWith("_bytes")) {
            return "bytes";
        }
        if (metricName.endsWith("_ratio")) {
            return "ratio";
        }
        if (metricName.endsWith("_percent")) {
            return "percent";
        }
        if (metricName.endsWith("_total") || metricName.endsWith("_count")) {
            return "count";
        }
        return null;
    }
}
