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

    /**
     * Waits that are idle, background or queue waits, not trouble: the standard exclusion list
     * (sleeps, queues, Service Broker, mirroring and Always On housekeeping, Query Store, XEvents,
     * full-text, in-memory OLTP checkpoints). Without it the top 10 is all idle threads.
     */
    static final List<String> BENIGN_WAITS = List.of(
            "BROKER_EVENTHANDLER", "BROKER_RECEIVE_WAITFOR", "BROKER_TASK_STOP", "BROKER_TO_FLUSH", "BROKER_TRANSMITTER",
            "CHECKPOINT_QUEUE", "CHKPT", "CLR_AUTO_EVENT", "CLR_MANUAL_EVENT", "CLR_SEMAPHORE",
            "DBMIRROR_DBM_EVENT", "DBMIRROR_EVENTS_QUEUE", "DBMIRROR_WORKER_QUEUE", "DBMIRRORING_CMD",
            "DIRTY_PAGE_POLL", "DISPATCHER_QUEUE_SEMAPHORE", "EXECSYNC", "FSAGENT", "FT_IFTS_SCHEDULER_IDLE_WAIT",
            "FT_IFTSHC_MUTEX", "HADR_CLUSAPI_CALL", "HADR_FILESTREAM_IOMGR_IOCOMPLETION", "HADR_LOGCAPTURE_WAIT",
            "HADR_NOTIFICATION_DEQUEUE", "HADR_TIMER_TASK", "HADR_WORK_QUEUE", "KSOURCE_WAKEUP", "LAZYWRITER_SLEEP",
            "LOGMGR_QUEUE", "MEMORY_ALLOCATION_EXT", "ONDEMAND_TASK_QUEUE", "PARALLEL_REDO_DRAIN_WORKER",
            "PARALLEL_REDO_LOG_CACHE", "PARALLEL_REDO_TRAN_LIST", "PARALLEL_REDO_WORKER_SYNC",
            "PARALLEL_REDO_WORKER_WAIT_WORK", "PREEMPTIVE_OS_FLUSHFILEBUFFERS", "PREEMPTIVE_XE_GETTARGETSTATE",
            "PVS_PREALLOCATE", "PWAIT_ALL_COMPONENTS_INITIALIZED", "PWAIT_DIRECTLOGCONSUMER_GETNEXT",
            "PWAIT_EXTENSIBILITY_CLEANUP_TASK", "QDS_ASYNC_QUEUE", "QDS_CLEANUP_STALE_QUERIES_TASK_MAIN_LOOP_SLEEP",
            "QDS_PERSIST_TASK_MAIN_LOOP_SLEEP", "QDS_SHUTDOWN_QUEUE", "REDO_THREAD_PENDING_WORK",
            "REQUEST_FOR_DEADLOCK_SEARCH", "RESOURCE_QUEUE", "SERVER_IDLE_CHECK", "SLEEP_BPOOL_FLUSH",
            "SLEEP_DBSTARTUP", "SLEEP_DCOMSTARTUP", "SLEEP_MASTERDBREADY", "SLEEP_MASTERMDREADY", "SLEEP_MASTERUPGRADED",
            "SLEEP_MSDBSTARTUP", "SLEEP_SYSTEMTASK", "SLEEP_TASK", "SLEEP_TEMPDBSTARTUP", "SNI_HTTP_ACCEPT",
            "SOS_WORK_DISPATCHER", "SP_SERVER_DIAGNOSTICS_SLEEP", "SQLTRACE_BUFFER_FLUSH",
            "SQLTRACE_INCREMENTAL_FLUSH_SLEEP", "SQLTRACE_WAIT_ENTRIES", "UCS_SESSION_REGISTRATION", "VDI_CLIENT_OTHER",
            "WAIT_FOR_RESULTS", "WAIT_XTP_CKPT_CLOSE", "WAIT_XTP_HOST_WAIT", "WAIT_XTP_OFFLINE_CKPT_NEW_LOG",
            "WAIT_XTP_RECOVERY", "WAITFOR", "WAITFOR_TASKSHUTDOWN", "XE_BUFFERMGR_ALLPROCESSED_EVENT",
            "XE_DISPATCHER_JOIN", "XE_DISPATCHER_WAIT", "XE_LIVE_TARGET_TVF", "XE_TIMER_EVENT");

    /** Query name → SQL; the names are those of the recorded answers in the tests. */
    static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        // status compared in a binary collation: the values are lower case whatever the server's
        // collation, and a Turkish or case-sensitive one must not change the count.
        QUERIES.put("sessions", """
                SELECT COUNT(*) AS sessions,
                       SUM(CASE WHEN status COLLATE Latin1_General_BIN = N'running' THEN 1 ELSE 0 END) AS running,
                       (SELECT CONVERT(int, value_in_use) FROM sys.configurations WHERE name = N'user connections') AS user_connections,
                       @@MAX_CONNECTIONS AS max_connections
                FROM sys.dm_exec_sessions WHERE is_user_process = 1""");
        QUERIES.put("blocked", """
                SELECT COUNT(*) AS blocked, COALESCE(MAX(wait_time), 0) AS longest_wait_ms
                FROM sys.dm_exec_requests WHERE blocking_session_id <> 0""");
        QUERIES.put("waits", "SELECT TOP 10 wait_type, wait_time_ms, waiting_tasks_count FROM sys.dm_os_wait_stats\n"
                + "WHERE wait_time_ms > 0 AND wait_type NOT IN (" + String.join(", ",
                        BENIGN_WAITS.stream().map(w -> "N'" + w + "'").toList()) + ")\nORDER BY wait_time_ms DESC");
        // One row per NUMA node ("Buffer Node", instance_name = the node): the worst node is the
        // one under memory pressure, which the server-wide Buffer Manager value averages away.
        QUERIES.put("ple", """
                SELECT RTRIM(instance_name) AS node, cntr_value FROM sys.dm_os_performance_counters
                WHERE counter_name = 'Page life expectancy' AND object_name LIKE '%Buffer Node%'""");
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
        double configured = number(s, "user_connections");
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

        Map<String, Object> b = sql.query(QUERIES.get("blocked")).get(0);
        out.add(Sample.of("blocked_sessions", number(b, "blocked")));
        out.add(Sample.of("blocked_longest_wait_seconds", number(b, "longest_wait_ms") / 1000.0));

        for (Map<String, Object> w : sql.query(QUERIES.get("waits"))) {
            String type = text(w, "wait_type");
            out.add(Sample.of("wait_time_ms_total", number(w, "wait_time_ms"), "wait_type", type));
            out.add(Sample.of("waiting_tasks_total", number(w, "waiting_tasks_count"), "wait_type", type));
        }
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
