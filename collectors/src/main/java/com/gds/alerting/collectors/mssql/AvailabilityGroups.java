package com.gds.alerting.collectors.mssql;

import static com.gds.alerting.collectors.source.Rows.number;
import static com.gds.alerting.collectors.source.Rows.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.gds.alerting.collectors.source.Sample;

/**
 * Always On health per replica and per database replica. Health levels read like a threshold:
 * 0 HEALTHY, 1 PARTIALLY_HEALTHY, 2 NOT_HEALTHY (unknown text: not published). The per-instance
 * counts ({@code ag_replicas_not_healthy}, {@code ag_databases_not_healthy}) are what rules watch:
 * an alert is keyed by instance and metric, so one healthy replica's series must not answer for
 * another's.
 */
final class AvailabilityGroups {

    /** How many names a count's tag lists at most. */
    static final int NAMES_LISTED = 5;

    private AvailabilityGroups() {
    }

    static void replicas(List<Map<String, Object>> rows, List<Sample> out) {
        List<String> notHealthy = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String replica = text(r, "replica_server_name");
            Map<String, String> tags = Map.of("ag", String.valueOf(text(r, "ag_name")), "replica", replica,
                    "role", String.valueOf(text(r, "role_desc")));
            Integer health = healthLevel(text(r, "synchronization_health_desc"));
            if (health != null) {
                out.add(new Sample("ag_replica_health", health, tags, null));
                if (health == 2) {
                    notHealthy.add(replica);
                }
            }
            out.add(new Sample("ag_replica_connected", "CONNECTED".equals(text(r, "connected_state_desc")) ? 1 : 0,
                    tags, null));
        }
        if (!rows.isEmpty()) {
            out.add(count("ag_replicas_not_healthy", "replicas", notHealthy));
        }
    }

    static void databases(List<Map<String, Object>> rows, List<Sample> out) {
        List<String> notHealthy = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String database = text(r, "database_name");
            String replica = text(r, "replica_server_name");
            Map<String, String> tags = Map.of("database", database, "replica", replica);
            out.add(new Sample("ag_log_send_queue_kb", number(r, "log_send_queue_size"), tags, null));
            out.add(new Sample("ag_redo_queue_kb", number(r, "redo_queue_size"), tags, null));
            double lag = number(r, "secondary_lag_seconds");
            if (!Double.isNaN(lag)) {
                out.add(new Sample("ag_secondary_lag_seconds", lag, tags, null));
            }
            String state = text(r, "synchronization_state_desc");
            double stateCode = number(r, "synchronization_state");
            if (state != null && !Double.isNaN(stateCode)) {
                out.add(new Sample("ag_database_synchronization_state", stateCode,
                        Map.of("database", database, "replica", replica, "state", state), null));
            }
            Integer health = healthLevel(text(r, "synchronization_health_desc"));
            if (health != null) {
                out.add(new Sample("ag_database_health", health, tags, null));
                if (health == 2) {
                    notHealthy.add(database + "@" + replica);
                }
            }
        }
        if (!rows.isEmpty()) {
            out.add(count("ag_databases_not_healthy", "databases", notHealthy));
        }
    }

    static Integer healthLevel(String desc) {
        return desc == null ? null : switch (desc.toUpperCase(Locale.ROOT)) {
            case "HEALTHY" -> 0;
            case "PARTIALLY_HEALTHY" -> 1;
            case "NOT_HEALTHY" -> 2;
            default -> null;
        };
    }

    /** A count, with the first {@link #NAMES_LISTED} names as a tag when there are any (for the alert's summary). */
    static Sample count(String metric, String tag, List<String> names) {
        return names.isEmpty() ? Sample.of(metric, 0)
                : Sample.of(metric, names.size(), tag, String.join(",", names.subList(0, Math.min(NAMES_LISTED, names.size()))));
    }
}
