package com.gds.alerting.collectors.postgres;

import static com.gds.alerting.collectors.source.Rows.number;
import static com.gds.alerting.collectors.source.Rows.text;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.collectors.config.TargetOptions;
import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.source.JdbcSession;
import com.gds.alerting.collectors.source.PermissionReport;
import com.gds.alerting.collectors.source.Sample;
import com.gds.alerting.collectors.source.SqlRunner;

/**
 * PostgreSQL 12+: what a DBA looks at first. Connections (used, max, ratio, by state), idle in
 * transaction (count, oldest), longest query and transaction, waiting locks, per-database
 * counters (commits, rollbacks, deadlocks, temp bytes, blocks hit and read), the cache hit ratio
 * over the last interval, size and transaction-ID wraparound age, the worst tables by dead-tuple
 * ratio, checkpoints, uptime, and replication: the WAL receiver and a lag that keeps growing while
 * nothing is received on a replica; slots (retained WAL, {@code wal_status}, safe WAL size), the
 * WAL position and standby lag on a primary. Expected standbys missing from {@code
 * pg_stat_replication}; vacuum hazards (who holds back the xmin horizon, multixact age, tables
 * autovacuum should have cleaned and did not); the WAL generation rate and archiver failures; the
 * top statements of {@code pg_stat_statements} when it is installed.
 *
 * <p>Figures the monitoring role cannot see whole (without {@code pg_read_all_stats}, which
 * {@code pg_monitor} grants, other users' sessions are hidden) are not published at all:
 * {@code collector_permission_ok} says so with a {@code missing} tag, and one WARN line names the
 * role and the grant.
 */
public final class PostgresCollector implements Collector {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCollector.class);

    /** The grant a monitoring role needs; what {@code collector_permission_ok}'s {@code missing} tag names. */
    public static final String REQUIRED_GRANT = "pg_monitor";

    /** Every metric this collector can publish. */
    public static final Set<String> METRICS = Set.of(
            "connections_used", "connections_max", "connections_used_ratio", "connections",
            "idle_in_transaction_count", "idle_in_transaction_oldest_seconds",
            "longest_query_seconds", "longest_transaction_seconds", "locks_waiting",
            "xact_commit_total", "xact_rollback_total", "deadlocks_total", "cache_hit_ratio", "temp_bytes_total",
            "blks_hit_total", "blks_read_total",
            "database_size_bytes", "xid_wraparound_age", "dead_tuple_ratio",
            "checkpoints_timed_total", "checkpoints_requested_total", "uptime_seconds", "collector_permission_ok",
            "is_replica", "role_changed", "replication_lag_bytes", "replication_lag_seconds", "wal_receiver_streaming",
            "wal_receiver_last_message_seconds", "wal_replay_position_bytes", "wal_position_bytes",
            "replication_slots_inactive", "replication_slot_retained_wal_bytes", "replication_slot_active",
            "replication_slot_wal_status", "replication_slot_safe_wal_size_bytes",
            "standbys_streaming", "standby_replay_lag_bytes", "standby_replay_lag_seconds",
            "expected_standby_streaming", "expected_standbys_missing",
            "multixact_wraparound_age", "prepared_transactions", "prepared_transaction_oldest_seconds",
            "prepared_transaction_xmin_age", "replication_slot_xmin_age", "backend_xmin_age", "standby_feedback_xmin_age",
            "tables_autovacuum_overdue", "wal_bytes_per_second",
            "archiver_failed_total", "archiver_failures", "archiver_failing", "archiver_last_failure_age_seconds",
            "statement_exec_seconds_total", "statement_calls_total", "statement_rows_total");

    /** {@code wal_status} as a level a threshold can read: the higher, the closer the slot is to losing its standby. */
    private static final Map<String, Integer> WAL_STATUS_LEVEL = Map.of("reserved", 0, "extended", 1, "unreserved", 2, "lost", 3);

    private final JdbcSession session;
    private final String target;
    private final TargetOptions options;
    private final IntervalRatios cacheHits = new IntervalRatios();
    private final CounterDeltas deltas = new CounterDeltas();
    private final ReplayProgress replay = new ReplayProgress();
    private final PermissionReport permissions;
    private Boolean lastReplica;

    /**
     * @param target how the target is named in the log (its instance id)
     */
    public PostgresCollector(JdbcSession session, String target, TargetOptions options) {
        this.session = session;
        this.target = target;
        this.options = options;
        this.permissions = new PermissionReport(target, PostgresCollector.class);
    }

    public PostgresCollector(JdbcSession session, String target) {
        this(session, target, TargetOptions.DEFAULTS);
    }

    public PostgresCollector(JdbcSession session) {
        this(session, "postgresql");
    }

    @Override
    public List<Sample> collect() throws SQLException {
        return collect(session);
    }

    /** One cycle's samples read through {@code sql}. */
    List<Sample> collect(SqlRunner sql) throws SQLException {
        List<Sample> out = new ArrayList<>();
        Map<String, Object> server = sql.query(PostgresQueries.SERVER).get(0);
        int version = (int) number(server, "version");
        boolean replica = Boolean.TRUE.equals(server.get("replica"));
        boolean seesAll = Boolean.TRUE.equals(server.get("sees_all_sessions"));
        String currentDb = text(server, "database");
        permission(seesAll, text(server, "role"), out);
        out.add(Sample.of("uptime_seconds", number(server, "uptime_seconds")));

        if (seesAll) {
            activity(sql.query(PostgresQueries.ACTIVITY).get(0), out);
        }
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
        xminHorizon(sql.query(PostgresQueries.XMIN_HORIZON).get(0), seesAll, out);
        out.add(Sample.of("tables_autovacuum_overdue", number(sql.query(
                PostgresQueries.autovacuumOverdue(options.autovacuumOverdueAfter().toSeconds())).get(0), "overdue")));
        if (!"off".equals(text(server, "archive_mode"))) {
            archiver(sql.query(PostgresQueries.ARCHIVER).get(0), out);
        }

        out.add(Sample.of("is_replica", replica ? 1 : 0));
        roleChange(replica, out);
        if (replica) {
            replica(sql.query(PostgresQueries.REPLICA_LAG).get(0), seesAll, out);
            if (seesAll && !options.expectedStandbys().isEmpty()) {
                expectedStandbys(sql.query(PostgresQueries.STANDBY_NAMES), out);
            }
        } else {
            double walPosition = number(server, "wal_position_bytes");
            out.add(Sample.of("wal_position_bytes", walPosition));
            walRate(walPosition, number(server, "now_epoch"), out);
            slots(sql.query(PostgresQueries.slots(version)), out);
            if (seesAll) {
                // Without pg_read_all_stats the positions in pg_stat_replication are NULL.
                List<Map<String, Object>> standbys = sql.query(PostgresQueries.STANDBYS);
                out.add(Sample.of("standbys_streaming", standbys.size()));
                for (Map<String, Object> s : standbys) {
                    String standby = text(s, "standby");
                    out.add(Sample.of("standby_replay_lag_bytes", number(s, "lag_bytes"), "standby", standby));
                    out.add(Sample.of("standby_replay_lag_seconds", number(s, "lag_seconds"), "standby", standby));
                }
                expectedStandbys(standbys, out);
            }
        }
        String statementsSchema = text(server, "statements_schema");
        if (seesAll && statementsSchema != null && options.topStatements() > 0) {
            // Without pg_read_all_stats other users' statements have no queryid: a partial top list.
            statements(sql.query(PostgresQueries.topStatements(version, statementsSchema, options.topStatements())), out);
        }
        return out;
    }

    /**
     * Each configured standby: 1 while a {@code pg_stat_replication} row with its {@code
     * application_name} is in state {@code streaming}, 0 when it is missing or still catching up.
     * Without {@code pg_read_all_stats} the state is hidden, so nothing is published.
     */
    private void expectedStandbys(List<Map<String, Object>> connected, List<Sample> out) {
        if (options.expectedStandbys().isEmpty()) {
            return;
        }
        int missing = 0;
        for (String name : options.expectedStandbys()) {
            boolean streaming = connected.stream().anyMatch(r -> name.equals(text(r, "application_name"))
                    && "streaming".equals(text(r, "state")));
            missing += streaming ? 0 : 1;
            out.add(Sample.of("expected_standby_streaming", streaming ? 1 : 0, "standby", name));
        }
        out.add(Sample.of("expected_standbys_missing", missing));
    }

    /** Who holds back vacuum's horizon, each as its own series; the backend and standby ones only when every session is visible. */
    private static void xminHorizon(Map<String, Object> h, boolean seesAll, List<Sample> out) {
        out.add(Sample.of("prepared_transactions", number(h, "prepared")));
        out.add(Sample.of("prepared_transaction_oldest_seconds", number(h, "prepared_oldest_seconds")));
        out.add(Sample.of("prepared_transaction_xmin_age", number(h, "prepared_xmin_age")));
        out.add(Sample.of("replication_slot_xmin_age", number(h, "slot_xmin_age")));
        if (seesAll) {
            out.add(Sample.of("backend_xmin_age", number(h, "backend_xmin_age")));
            out.add(Sample.of("standby_feedback_xmin_age", number(h, "standby_xmin_age")));
        }
    }

    /** Bytes of WAL written per second since the previous cycle, by the server's clock. */
    private void walRate(double position, double nowEpoch, List<Sample> out) {
        OptionalDouble bytes = deltas.delta("wal_position", position);
        OptionalDouble seconds = deltas.delta("wal_clock", nowEpoch);
        if (bytes.isPresent() && seconds.isPresent() && seconds.getAsDouble() > 0) {
            out.add(Sample.of("wal_bytes_per_second", bytes.getAsDouble() / seconds.getAsDouble()));
        }
    }

    /**
     * The archiver's failure counter raw, the failures since the previous cycle, whether it is
     * failing now (its last failure is newer than its last success) and the age of the last failure.
     */
    private void archiver(Map<String, Object> a, List<Sample> out) {
        double failed = number(a, "failed_count");
        out.add(Sample.of("archiver_failed_total", failed));
        deltas.delta("archiver_failed", failed).ifPresent(d -> out.add(Sample.of("archiver_failures", d)));
        out.add(Sample.of("archiver_failing", Boolean.TRUE.equals(a.get("failing")) ? 1 : 0));
        // NaN (not published) when it never failed.
        out.add(Sample.of("archiver_last_failure_age_seconds", number(a, "last_failure_age_seconds")));
    }

    /** The top statements by total execution time, tagged with their {@code queryid} only (never the text). */
    private static void statements(List<Map<String, Object>> rows, List<Sample> out) {
        for (Map<String, Object> r : rows) {
            String queryid = text(r, "queryid");
            out.add(Sample.of("statement_exec_seconds_total", number(r, "total_ms") / 1000, "queryid", queryid));
            out.add(Sample.of("statement_calls_total", number(r, "calls"), "queryid", queryid));
            out.add(Sample.of("statement_rows_total", number(r, "rows"), "queryid", queryid));
        }
    }

    /**
     * 1 in the cycle where the server's role differs from the previous cycle's (a replica promoted:
     * a failover; a primary now in recovery: rebuilt as a standby), 0 otherwise. Not published on
     * the first cycle after the agent starts, which has nothing to compare with.
     */
    private void roleChange(boolean replica, List<Sample> out) {
        if (lastReplica != null) {
            boolean changed = lastReplica != replica;
            out.add(Sample.of("role_changed", changed ? 1 : 0));
            if (changed) {
                LOG.warn("{}: is now a {} (was a {}): a failover or a rebuild", target, replica ? "replica" : "primary",
                        replica ? "primary" : "replica");
            }
        }
        lastReplica = replica;
    }

    private void permission(boolean seesAll, String role, List<Sample> out) {
        permissions.report(role, seesAll ? List.of() : List.of(new PermissionReport.Missing(REQUIRED_GRANT,
                "(pg_read_all_stats: other users' sessions are hidden) connection, idle-in-transaction, longest "
                        + "query/transaction, WAL receiver and standby metrics are",
                "GRANT " + REQUIRED_GRANT + " TO \"" + role + "\"")), out);
    }

    /**
     * The replica's lag. While the receiver streams and everything received is replayed, it is
     * caught up (0). Otherwise the lag is the age of the last replayed commit, which keeps growing
     * while nothing arrives; with the receiver stopped the replica cannot know how far the primary
     * is, so the byte lag (received, not replayed) is not published.
     */
    private void replica(Map<String, Object> lag, boolean seesAll, List<Sample> out) {
        double position = number(lag, "replay_position_bytes");
        out.add(Sample.of("wal_replay_position_bytes", position));
        if (!seesAll) {
            // pg_stat_wal_receiver shows only NULLs to this role: a streaming receiver would look stopped.
            return;
        }
        boolean streaming = number(lag, "receivers_streaming") > 0;
        out.add(Sample.of("wal_receiver_streaming", streaming ? 1 : 0));
        out.add(Sample.of("wal_receiver_last_message_seconds", number(lag, "since_last_message_seconds")));
        boolean caughtUp = streaming && Boolean.TRUE.equals(lag.get("replayed_all_received"));
        double lastReplayed = replay.lastReplayedCommit(position, number(lag, "last_replayed_commit_epoch"),
                number(lag, "now_epoch"));
        out.add(Sample.of("replication_lag_seconds", caughtUp ? 0 : Math.max(0, number(lag, "now_epoch") - lastReplayed)));
        if (streaming) {
            out.add(Sample.of("replication_lag_bytes", number(lag, "received_not_replayed_bytes")));
        }
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

    private void database(Map<String, Object> db, List<Sample> out) {
        String name = text(db, "database");
        out.add(Sample.of("xact_commit_total", number(db, "xact_commit"), "database", name));
        out.add(Sample.of("xact_rollback_total", number(db, "xact_rollback"), "database", name));
        out.add(Sample.of("deadlocks_total", number(db, "deadlocks"), "database", name));
        out.add(Sample.of("temp_bytes_total", number(db, "temp_bytes"), "database", name));
        out.add(Sample.of("database_size_bytes", number(db, "size_bytes"), "database", name));
        out.add(Sample.of("xid_wraparound_age", number(db, "xid_age"), "database", name));
        out.add(Sample.of("multixact_wraparound_age", number(db, "multixact_age"), "database", name));
        double hit = number(db, "blks_hit");
        double read = number(db, "blks_read");
        out.add(Sample.of("blks_hit_total", hit, "database", name));
        out.add(Sample.of("blks_read_total", read, "database", name));
        cacheHits.ratio(name, hit, read).ifPresent(r -> out.add(Sample.of("cache_hit_ratio", r, "database", name)));
    }

    private static void slots(List<Map<String, Object>> slots, List<Sample> out) {
        int inactive = 0;
        for (Map<String, Object> s : slots) {
            String slot = text(s, "slot_name");
            boolean active = Boolean.TRUE.equals(s.get("active"));
            inactive += active ? 0 : 1;
            out.add(Sample.of("replication_slot_active", active ? 1 : 0, "slot", slot));
            out.add(Sample.of("replication_slot_retained_wal_bytes", number(s, "retained_bytes"), "slot", slot));
            Integer level = WAL_STATUS_LEVEL.get(text(s, "wal_status"));
            if (level != null) {
                out.add(Sample.of("replication_slot_wal_status", level, "slot", slot));
            }
            // NaN (not published) when max_slot_wal_keep_size is unlimited: nothing is ever removed.
            out.add(Sample.of("replication_slot_safe_wal_size_bytes", number(s, "safe_wal_size"), "slot", slot));
        }
        out.add(Sample.of("replication_slots_inactive", inactive));
    }

    @Override
    public void close() {
        session.close();
    }
}
