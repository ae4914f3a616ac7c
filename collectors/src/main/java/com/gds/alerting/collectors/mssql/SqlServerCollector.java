package com.gds.alerting.collectors.mssql;

import static com.gds.alerting.collectors.source.Rows.number;
import static com.gds.alerting.collectors.source.Rows.text;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.source.JdbcSession;
import com.gds.alerting.collectors.source.Sample;
import com.gds.alerting.collectors.source.SqlRunner;

/**
 * SQL Server 2016+ from its DMVs: user sessions against the connection limit, blocked sessions
 * and the longest block, the top waits (cumulative counters), page life expectancy, Always On
 * replica queues and lag, and transaction-log use per database. The login needs {@code VIEW
 * SERVER STATE}.
 */
public final class SqlServerCollector implements Collector {

    public static final Set<String> METRICS = Set.of(
            "connections_used", "connections_max", "connections_used_ratio", "sessions_running",
            "blocked_sessions", "blocked_longest_wait_seconds", "wait_time_ms_total", "waiting_tasks_total",
            "page_life_expectancy_seconds", "ag_log_send_queue_kb", "ag_redo_queue_kb", "ag_secondary_lag_seconds",
            "log_space_used_ratio");

    /** Query name → SQL; the names are those of the recorded answers in the tests. */
    static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        QUERIES.put("sessions", """
                SELECT COUNT(*) AS sessions, SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END) AS running,
                       @@MAX_CONNECTIONS AS max_connections
                FROM sys.dm_exec_sessions WHERE is_user_process = 1""");
        QUERIES.put("blocked", """
                SELECT COUNT(*) AS blocked, COALESCE(MAX(wait_time), 0) AS longest_wait_ms
                FROM sys.dm_exec_requests WHERE blocking_session_id <> 0""");
        // The usual idle and background waits say nothing about trouble; leave them out.
        QUERIES.put("waits", """
                SELECT TOP 10 wait_type, wait_time_ms, waiting_tasks_count FROM sys.dm_os_wait_stats
                WHERE wait_time_ms > 0 AND wait_type NOT IN ('SLEEP_TASK', 'BROKER_TASK_STOP', 'BROKER_TO_FLUSH',
                  'SQLTRACE_BUFFER_FLUSH', 'CLR_AUTO_EVENT', 'CLR_MANUAL_EVENT', 'LAZYWRITER_SLEEP', 'CHECKPOINT_QUEUE',
                  'WAITFOR', 'XE_TIMER_EVENT', 'XE_DISPATCHER_WAIT', 'FT_IFTS_SCHEDULER_IDLE_WAIT', 'LOGMGR_QUEUE',
                  'REQUEST_FOR_DEADLOCK_SEARCH', 'DIRTY_PAGE_POLL', 'HADR_FILESTREAM_IOMGR_IOCOMPLETION',
                  'SP_SERVER_DIAGNOSTICS_SLEEP', 'QDS_PERSIST_TASK_MAIN_LOOP_SLEEP', 'QDS_CLEANUP_STALE_QUERIES_TASK_MAIN_LOOP_SLEEP',
                  'BROKER_EVENTHANDLER', 'SOS_WORK_DISPATCHER')
                ORDER BY wait_time_ms DESC""");
        QUERIES.put("ple", """
                SELECT cntr_value FROM sys.dm_os_performance_counters
                WHERE counter_name = 'Page life expectancy' AND object_name LIKE '%Buffer Manager%'""");
        QUERIES.put("ag", """
                SELECT DB_NAME(drs.database_id) AS database_name, ar.replica_server_name, drs.is_local,
                       drs.log_send_queue_size, drs.redo_queue_size, drs.secondary_lag_seconds
                FROM sys.dm_hadr_database_replica_states drs
                JOIN sys.availability_replicas ar ON ar.replica_id = drs.replica_id""");
        QUERIES.put("log", """
                SELECT RTRIM(instance_name) AS database_name, cntr_value AS percent_used
                FROM sys.dm_os_performance_counters
                WHERE counter_name = 'Percent Log Used' AND object_name LIKE '%:Databases%' AND instance_name <> '_Total'""");
    }

    private final JdbcSession session;

    public SqlServerCollector(JdbcSession session) {
        this.session = session;
    }

    @Override
    public List<Sample> collect() throws SQLException {
        return collect(session);
    }

    static List<Sample> collect(SqlRunner sql) throws SQLException {
        List<Sample> out = new ArrayList<>();
        Map<String, Object> s = sql.query(QUERIES.get("sessions")).get(0);
        double used = number(s, "sessions");
        double max = number(s, "max_connections");
        out.add(Sample.of("connections_used", used));
        out.add(Sample.of("connections_max", max));
        out.add(Sample.of("connections_used_ratio", max > 0 ? used / max : 0));
        out.add(Sample.of("sessions_running", number(s, "running")));

        Map<String, Object> b = sql.query(QUERIES.get("blocked")).get(0);
        out.add(Sample.of("blocked_sessions", number(b, "blocked")));
        out.add(Sample.of("blocked_longest_wait_seconds", number(b, "longest_wait_ms") / 1000.0));

        for (Map<String, Object> w : sql.query(QUERIES.get("waits"))) {
            String type = text(w, "wait_type");
            out.add(Sample.of("wait_time_ms_total", number(w, "wait_time_ms"), "wait_type", type));
            out.add(Sample.of("waiting_tasks_total", number(w, "waiting_tasks_count"), "wait_type", type));
        }
        // One row per NUMA node on big servers; the smallest is the one under memory pressure.
        sql.query(QUERIES.get("ple")).stream().mapToDouble(p -> number(p, "cntr_value")).min()
                .ifPresent(ple -> out.add(Sample.of("page_life_expectancy_seconds", ple)));
        for (Map<String, Object> r : sql.query(QUERIES.get("ag"))) {
            Map<String, String> tags = Map.of("database", text(r, "database_name"), "replica", text(r, "replica_server_name"));
            out.add(new Sample("ag_log_send_queue_kb", number(r, "log_send_queue_size"), tags, null));
            out.add(new Sample("ag_redo_queue_kb", number(r, "redo_queue_size"), tags, null));
            double lag = number(r, "secondary_lag_seconds");
            if (!Double.isNaN(lag)) {
                out.add(new Sample("ag_secondary_lag_seconds", lag, tags, null));
            }
        }
        for (Map<String, Object> l : sql.query(QUERIES.get("log"))) {
            out.add(Sample.of("log_space_used_ratio", number(l, "percent_used") / 100.0, "database", text(l, "database_name")));
        }
        return out;
    }

    @Override
    public void close() {
        session.close();
    }
}
