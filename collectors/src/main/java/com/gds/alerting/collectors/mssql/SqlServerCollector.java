package com.gds.alerting.collectors.mssql;

import static com.gds.alerting.collectors.source.Rows.number;
import static com.gds.alerting.collectors.source.Rows.text;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.source.CounterRates;
import com.gds.alerting.collectors.source.JdbcSession;
import com.gds.alerting.collectors.source.PermissionReport;
import com.gds.alerting.collectors.source.Sample;
import com.gds.alerting.collectors.source.SqlRunner;

/**
 * SQL Server 2016+ from its DMVs and msdb: user sessions against the connection limit, blocked
 * sessions and the longest block, long-running requests, the top waits (cumulative counters), page
 * life expectancy, worker threads, deadlocks and batch requests per second, Always On health and
 * queues per replica and database, database states and why their logs cannot be reused, transaction-log
 * use, backup ages and failed Agent jobs.
 *
 * <p>The grants are checked every cycle ({@code HAS_PERMS_BY_NAME}). Without {@code VIEW SERVER
 * STATE} (2019 and before) or {@code VIEW SERVER PERFORMANCE STATE} (2022+) the DMVs show the login
 * its own session only, so none of their figures is published; without SELECT on msdb's job or
 * backup tables, neither jobs nor backups are. {@code collector_permission_ok} names what is missing
 * (the same metric as every collector's, {@link PermissionReport}).
 */
public final class SqlServerCollector implements Collector {

    public static final Set<String> METRICS = Set.of(
            "collector_permission_ok",
            "connections_used", "connections_max", "connections_used_ratio", "sessions_running",
            "blocked_sessions", "blocked_longest_wait_seconds", "wait_time_ms_total", "waiting_tasks_total",
            "longest_query_seconds", "long_running_queries", "long_running_query_seconds",
            "page_life_expectancy_seconds", "worker_threads_active", "worker_threads_max", "worker_threads_used_ratio",
            "tasks_waiting_for_worker", "deadlocks_total", "deadlocks_per_second", "batch_requests_total",
            "batch_requests_per_second",
            "ag_log_send_queue_kb", "ag_redo_queue_kb", "ag_secondary_lag_seconds", "ag_database_synchronization_state",
            "ag_database_health", "ag_databases_not_healthy", "ag_replica_health", "ag_replica_connected",
            "ag_replicas_not_healthy",
            "log_space_used_ratio", "database_state", "databases_unhealthy", "log_reuse_wait",
            "databases_log_reuse_blocked", "backup_full_age_seconds", "backup_log_age_seconds",
            "backup_full_oldest_age_seconds", "backup_log_oldest_age_seconds", "agent_job_last_run_failed",
            "agent_jobs_failed");

    static final List<String> BENIGN_WAITS = SqlServerQueries.BENIGN_WAITS;

    /** Query name → SQL; the names are those of the recorded answers in the tests. */
    static final Map<String, String> QUERIES = SqlServerQueries.QUERIES;

    private final JdbcSession session;
    private final Integer connectionLimit;
    private final PermissionReport permissions;
    private final CounterRates rates = new CounterRates();

    /**
     * @param target          how the target is named in the log (its instance id)
     * @param connectionLimit the target's {@code connection_limit}, which wins over the server's
     *                        {@code user connections}; null = the server's
     */
    public SqlServerCollector(JdbcSession session, String target, Integer connectionLimit) {
        this.session = session;
        this.connectionLimit = connectionLimit;
        this.permissions = new PermissionReport(target, SqlServerCollector.class);
    }

    @Override
    public List<Sample> collect() throws SQLException {
        return collect(session);
    }

    List<Sample> collect(SqlRunner sql) throws SQLException {
        List<Sample> out = new ArrayList<>();
        SqlServerGrants grants = SqlServerGrants.of(sql.query(QUERIES.get("permissions")).get(0));
        permissions.report(grants.login(), grants.missing(), out);

        if (grants.serverState()) {
            serverState(sql, grants.nowMs(), out);
        }
        SqlServerDatabases.states(sql.query(QUERIES.get("databases")), out);
        if (grants.backups()) {
            SqlServerDatabases.backups(sql.query(QUERIES.get("backups")), out);
        }
        if (grants.jobs()) {
            SqlServerDatabases.jobs(sql.query(QUERIES.get("jobs")), out);
        }
        return out;
    }

    /** Everything the server-state DMVs give: with the grant missing they would show only this login's own session. */
    private void serverState(SqlRunner sql, double nowMs, List<Sample> out) throws SQLException {
        connections(sql.query(QUERIES.get("sessions")).get(0), out);

        Map<String, Object> b = sql.query(QUERIES.get("blocked")).get(0);
        out.add(Sample.of("blocked_sessions", number(b, "blocked")));
        out.add(Sample.of("blocked_longest_wait_seconds", number(b, "longest_wait_ms") / 1000.0));
        longQueries(sql.query(QUERIES.get("long_queries")), out);

        for (Map<String, Object> w : sql.query(QUERIES.get("waits"))) {
            String type = text(w, "wait_type");
            out.add(Sample.of("wait_time_ms_total", number(w, "wait_time_ms"), "wait_type", type));
            out.add(Sample.of("waiting_tasks_total", number(w, "waiting_tasks_count"), "wait_type", type));
        }
        sql.query(QUERIES.get("ple")).stream().mapToDouble(p -> number(p, "cntr_value")).min()
                .ifPresent(ple -> out.add(Sample.of("page_life_expectancy_seconds", ple)));
        workers(sql.query(QUERIES.get("workers")).get(0), out);
        counters(sql.query(QUERIES.get("counters")), nowMs, out);
        AvailabilityGroups.replicas(sql.query(QUERIES.get("ag_replicas")), out);
        AvailabilityGroups.databases(sql.query(QUERIES.get("ag")), out);
        for (Map<String, Object> l : sql.query(QUERIES.get("log"))) {
            out.add(Sample.of("log_space_used_ratio", number(l, "percent_used") / 100.0, "database", text(l, "database_name")));
        }
    }

    private void connections(Map<String, Object> s, List<Sample> out) {
        double used = number(s, "sessions");
        double configured = connectionLimit != null ? connectionLimit : number(s, "user_connections");
        out.add(Sample.of("connections_used", used));
        if (configured > 0) {
            out.add(Sample.of("connections_max", configured));
            out.add(Sample.of("connections_used_ratio", used / configured));
        } else {
            // 'user connections' = 0 means the built-in maximum (@@MAX_CONNECTIONS, 32,767): a
            // ratio against it stays near 0 however saturated the server's memory or workers are,
            // so none is published rather than a reassuring wrong one.
            out.add(Sample.of("connections_max", number(s, "max_connections")));
        }
        out.add(Sample.of("sessions_running", number(s, "running")));
    }

    private static void longQueries(List<Map<String, Object>> rows, List<Sample> out) {
        double longest = 0;
        double longRunning = 0;
        for (Map<String, Object> r : rows) {
            double seconds = number(r, "elapsed_ms") / 1000.0;
            longest = Math.max(longest, seconds);
            longRunning = number(r, "long_running");
            if (seconds >= SqlServerQueries.LONG_QUERY_SECONDS) {
                out.add(new Sample("long_running_query_seconds", seconds, Map.of("session_id", text(r, "session_id"),
                        "database", String.valueOf(text(r, "database_name")), "login", String.valueOf(text(r, "login_name"))),
                        null));
            }
        }
        out.add(Sample.of("longest_query_seconds", longest));
        out.add(Sample.of("long_running_queries", longRunning));
    }

    private static void workers(Map<String, Object> w, List<Sample> out) {
        double active = number(w, "workers_active");
        double max = number(w, "max_workers_count");
        out.add(Sample.of("worker_threads_active", active));
        out.add(Sample.of("worker_threads_max", max));
        if (max > 0) {
            out.add(Sample.of("worker_threads_used_ratio", active / max));
        }
        out.add(Sample.of("tasks_waiting_for_worker", number(w, "tasks_waiting")));
    }

    private void counters(List<Map<String, Object>> rows, double nowMs, List<Sample> out) {
        for (Map<String, Object> c : rows) {
            String name = text(c, "counter_name");
            String metric = switch (name == null ? "" : name) {
                case "Number of Deadlocks/sec" -> "deadlocks";
                case "Batch Requests/sec" -> "batch_requests";
                default -> null;
            };
            if (metric == null) {
                continue;
            }
            double value = number(c, "cntr_value");
            out.add(Sample.of(metric + "_total", value));
            rates.perSecond(metric, value, nowMs).ifPresent(r -> out.add(Sample.of(metric + "_per_second", r)));
        }
    }

    @Override
    public void close() {
        session.close();
    }
}
