package com.gds.alerting.collectors.postgres;

import static com.gds.alerting.collectors.source.Rows.number;
import static com.gds.alerting.collectors.source.Rows.text;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.source.JdbcSession;
import com.gds.alerting.collectors.source.Sample;
import com.gds.alerting.collectors.source.SqlRunner;

/**
 * PostgreSQL 12+: what a DBA looks at first. Connections (used, max, ratio, by state), idle in
 * transaction (count, oldest), longest query and transaction, waiting locks, per-database
 * counters (commits, rollbacks, deadlocks, temp bytes), cache hit ratio, size and transaction-ID
 * wraparound age, the worst tables by dead-tuple ratio, checkpoints, and replication: lag in bytes
 * and seconds on a replica; slots, their retained WAL and standby lag on a primary.
 */
public final class PostgresCollector implements Collector {

    /** Every metric this collector can publish. */
    public static final Set<String> METRICS = Set.of(
            "connections_used", "connections_max", "connections_used_ratio", "connections",
            "idle_in_transaction_count", "idle_in_transaction_oldest_seconds",
            "longest_query_seconds", "longest_transaction_seconds", "locks_waiting",
            "xact_commit_total", "xact_rollback_total", "deadlocks_total", "cache_hit_ratio", "temp_bytes_total",
            "database_size_bytes", "xid_wraparound_age", "dead_tuple_ratio",
            "checkpoints_timed_total", "checkpoints_requested_total",
            "is_replica", "replication_lag_bytes", "replication_lag_seconds",
            "replication_slots_inactive", "replication_slot_retained_wal_bytes", "replication_slot_active",
            "standby_replay_lag_bytes", "standby_replay_lag_seconds");

    private final JdbcSession session;

    public PostgresCollector(JdbcSession session) {
        this.session = session;
    }

    @Override
    public List<Sample> collect() throws SQLException {
        return collect(session);
    }

    /** One cycle's samples read through {@code sql}. */
    static List<Sample> collect(SqlRunner sql) throws SQLException {
        List<Sample> out = new ArrayList<>();
        Map<String, Object> server = sql.query(PostgresQueries.SERVER).get(0);
        int version = (int) number(server, "version");
        boolean replica = Boolean.TRUE.equals(server.get("replica"));
        String currentDb = text(server, "database");

        activity(sql.query(PostgresQueries.ACTIVITY).get(0), out);
        out.add(Sample.of("locks_waiting", number(sql.query(PostgresQueries.LOCKS_WAITING).get(0), "waiting")));
        for (Map<String, Object> db : sql.query(PostgresQueries.DATABASES)) {
            database(db, out);
        }
        for (Map<String, Object> t : sql.query(PostgresQueries.DEAD_TUPLES)) {
            double ratio = number(t, "ratio");
            if (!Double.isNaN(ratio)) {
                out.add(new Sample("dead_tuple_ratio", ratio, Map.of("database", currentDb, "table", text(t, "table_name")), null));
            }
        }
        Map<String, Object> cp = sql.query(PostgresQueries.checkpoints(version)).get(0);
        out.add(Sample.of("checkpoints_timed_total", number(cp, "timed")));
        out.add(Sample.of("checkpoints_requested_total", number(cp, "requested")));

        out.add(Sample.of("is_replica", replica ? 1 : 0));
        if (replica) {
            Map<String, Object> lag = sql.query(PostgresQueries.REPLICA_LAG).get(0);
            out.add(Sample.of("replication_lag_bytes", number(lag, "lag_bytes")));
            out.add(Sample.of("replication_lag_seconds", number(lag, "lag_seconds")));
        } else {
            slots(sql.query(PostgresQueries.SLOTS), out);
            for (Map<String, Object> s : sql.query(PostgresQueries.STANDBYS)) {
                String standby = text(s, "standby");
                out.add(Sample.of("standby_replay_lag_bytes", number(s, "lag_bytes"), "standby", standby));
                out.add(Sample.of("standby_replay_lag_seconds", number(s, "lag_seconds"), "standby", standby));
            }
        }
        return out;
    }

    private static void activity(Map<String, Object> a, List<Sample> out) {
        double used = number(a, "used");
        double max = number(a, "max_connections");
        out.add(Sample.of("connections_used", used));
        out.add(Sample.of("connections_max", max));
        out.add(Sample.of("connections_used_ratio", max > 0 ? used / max : 0));
        for (String state : List.of("active", "idle", "idle_in_transaction", "idle_in_transaction_aborted", "unknown")) {
            out.add(Sample.of("connections", number(a, state), "state", state));
        }
        out.add(Sample.of("idle_in_transaction_count", number(a, "idle_in_transaction") + number(a, "idle_in_transaction_aborted")));
        out.add(Sample.of("idle_in_transaction_oldest_seconds", number(a, "idle_in_transaction_oldest_seconds")));
        out.add(Sample.of("longest_query_seconds", number(a, "longest_query_seconds")));
        out.add(Sample.of("longest_transaction_seconds", number(a, "longest_transaction_seconds")));
    }

    private static void database(Map<String, Object> db, List<Sample> out) {
        String name = text(db, "database");
        out.add(Sample.of("xact_commit_total", number(db, "xact_commit"), "database", name));
        out.add(Sample.of("xact_rollback_total", number(db, "xact_rollback"), "database", name));
        out.add(Sample.of("deadlocks_total", number(db, "deadlocks"), "database", name));
        out.add(Sample.of("temp_bytes_total", number(db, "temp_bytes"), "database", name));
        out.add(Sample.of("database_size_bytes", number(db, "size_bytes"), "database", name));
        out.add(Sample.of("xid_wraparound_age", number(db, "xid_age"), "database", name));
        double hit = number(db, "blks_hit");
        double read = number(db, "blks_read");
        if (hit + read > 0) {
            out.add(Sample.of("cache_hit_ratio", hit / (hit + read), "database", name));
        }
    }

    private static void slots(List<Map<String, Object>> slots, List<Sample> out) {
        int inactive = 0;
        for (Map<String, Object> s : slots) {
            String slot = text(s, "slot_name");
            boolean active = Boolean.TRUE.equals(s.get("active"));
            inactive += active ? 0 : 1;
            out.add(Sample.of("replication_slot_active", active ? 1 : 0, "slot", slot));
            out.add(Sample.of("replication_slot_retained_wal_bytes", number(s, "retained_bytes"), "slot", slot));
        }
        out.add(Sample.of("replication_slots_inactive", inactive));
    }

    @Override
    public void close() {
        session.close();
    }
}
