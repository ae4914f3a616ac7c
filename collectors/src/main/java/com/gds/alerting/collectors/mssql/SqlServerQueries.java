package com.gds.alerting.collectors.mssql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SQL Server collector's queries, by name; the names are those of the recorded answers in the tests. */
final class SqlServerQueries {

    /** A request running this long or longer counts in {@code long_running_queries}. */
    static final int LONG_QUERY_SECONDS = 60;

    private SqlServerQueries() {
    }

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

    /** Query name → SQL. */
    static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        // Checked every cycle (cheap), so a grant given or taken away is seen at the next cycle.
        // VIEW SERVER PERFORMANCE STATE exists from 2022 (16) on, where it is what the DMVs read
        // here ask for (VIEW SERVER STATE implies it); asked only there, as older servers do not know
        // the name. msdb tables: HAS_PERMS_BY_NAME is NULL when the login has no user in msdb.
        QUERIES.put("permissions", """
                SELECT SUSER_SNAME() AS login,
                       CONVERT(int, SERVERPROPERTY('ProductMajorVersion')) AS major_version,
                       HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW SERVER STATE') AS view_server_state,
                       CASE WHEN CONVERT(int, SERVERPROPERTY('ProductMajorVersion')) >= 16
                            THEN HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW SERVER PERFORMANCE STATE') END AS view_server_performance_state,
                       HAS_PERMS_BY_NAME('msdb.dbo.sysjobs', 'OBJECT', 'SELECT') AS msdb_sysjobs,
                       HAS_PERMS_BY_NAME('msdb.dbo.sysjobhistory', 'OBJECT', 'SELECT') AS msdb_sysjobhistory,
                       HAS_PERMS_BY_NAME('msdb.dbo.backupset', 'OBJECT', 'SELECT') AS msdb_backupset,
                       DATEDIFF_BIG(millisecond, '19700101', SYSUTCDATETIME()) AS now_ms""");
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
                       drs.log_send_queue_size, drs.redo_queue_size, drs.secondary_lag_seconds,
                       drs.synchronization_state, drs.synchronization_state_desc, drs.synchronization_health_desc
                FROM sys.dm_hadr_database_replica_states drs
                JOIN sys.availability_replicas ar ON ar.replica_id = drs.replica_id""");
        // On the primary one row per replica of each group; on a secondary only its own.
        QUERIES.put("ag_replicas", """
                SELECT ag.name AS ag_name, ar.replica_server_name, ars.role_desc, ars.connected_state_desc,
                       ars.synchronization_health_desc
                FROM sys.dm_hadr_availability_replica_states ars
                JOIN sys.availability_replicas ar ON ar.replica_id = ars.replica_id
                JOIN sys.availability_groups ag ON ag.group_id = ars.group_id""");
        QUERIES.put("log", """
                SELECT RTRIM(instance_name) AS database_name, cntr_value AS percent_used
                FROM sys.dm_os_performance_counters
                WHERE counter_name = 'Percent Log Used' AND object_name LIKE '%:Databases%' AND instance_name <> '_Total'""");
        // Cumulative counters despite their "/sec" names (cntr_type 272696576): rates come from the
        // difference between two cycles over the server's clock (now_ms of "permissions").
        QUERIES.put("counters", """
                SELECT RTRIM(counter_name) AS counter_name, cntr_value FROM sys.dm_os_performance_counters
                WHERE (object_name LIKE '%:Locks%' AND counter_name = 'Number of Deadlocks/sec' AND instance_name = '_Total')
                   OR (object_name LIKE '%:SQL Statistics%' AND counter_name = 'Batch Requests/sec')""");
        QUERIES.put("workers", """
                SELECT (SELECT SUM(active_workers_count) FROM sys.dm_os_schedulers WHERE status = N'VISIBLE ONLINE') AS workers_active,
                       (SELECT SUM(work_queue_count) FROM sys.dm_os_schedulers WHERE status = N'VISIBLE ONLINE') AS tasks_waiting,
                       max_workers_count
                FROM sys.dm_os_sys_info""");
        // The five longest user requests (the collector's own and WAITFOR ones left out), with how
        // many run for LONG_QUERY_SECONDS or more: a bounded number of series whatever the load.
        QUERIES.put("long_queries", """
                SELECT TOP 5 r.session_id, DB_NAME(r.database_id) AS database_name, s.login_name,
                       r.total_elapsed_time AS elapsed_ms,
                       SUM(CASE WHEN r.total_elapsed_time >= %d THEN 1 ELSE 0 END) OVER () AS long_running
                FROM sys.dm_exec_requests r JOIN sys.dm_exec_sessions s ON s.session_id = r.session_id
                WHERE s.is_user_process = 1 AND r.session_id <> @@SPID
                  AND COALESCE(r.wait_type, N'') NOT IN (N'WAITFOR', N'BROKER_RECEIVE_WAITFOR')
                ORDER BY r.total_elapsed_time DESC""".formatted(LONG_QUERY_SECONDS * 1000));
        // Visible to any login (VIEW ANY DATABASE is granted to public by default); snapshots left out.
        QUERIES.put("databases", """
                SELECT name AS database_name, state, state_desc, log_reuse_wait_desc, recovery_model_desc
                FROM sys.databases WHERE source_database_id IS NULL""");
        // The newest full and log backup of every online database but tempdb; a database never
        // backed up counts from its creation. backup_finish_date and GETDATE() are both server-local.
        QUERIES.put("backups", """
                SELECT d.name AS database_name, d.recovery_model_desc,
                       DATEDIFF_BIG(second, COALESCE(MAX(CASE WHEN b.type = 'D' THEN b.backup_finish_date END), d.create_date), GETDATE()) AS full_age_seconds,
                       DATEDIFF_BIG(second, COALESCE(MAX(CASE WHEN b.type = 'L' AND b.is_copy_only = 0 THEN b.backup_finish_date END), d.create_date), GETDATE()) AS log_age_seconds
                FROM sys.databases d LEFT JOIN msdb.dbo.backupset b ON b.database_name = d.name
                WHERE d.database_id <> 2 AND d.state = 0 AND d.source_database_id IS NULL
                GROUP BY d.name, d.recovery_model_desc, d.create_date""");
        // Each enabled job's last outcome (the job outcome row, step 0): 0 failed, 1 succeeded,
        // 2 retry, 3 canceled, 4 in progress. Jobs that never ran have no row.
        QUERIES.put("jobs", """
                SELECT TOP 100 j.name AS job_name, h.run_status
                FROM msdb.dbo.sysjobs j
                CROSS APPLY (SELECT TOP 1 jh.run_status FROM msdb.dbo.sysjobhistory jh
                             WHERE jh.job_id = j.job_id AND jh.step_id = 0 ORDER BY jh.instance_id DESC) h
                WHERE j.enabled = 1
                ORDER BY j.name""");
    }

}
