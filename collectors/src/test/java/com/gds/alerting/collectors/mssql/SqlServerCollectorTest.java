package com.gds.alerting.collectors.mssql;

import static com.gds.alerting.collectors.SampleAssertions.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.gds.alerting.collectors.RecordedAnswers;
import com.gds.alerting.collectors.SampleAssertions;
import com.gds.alerting.collectors.source.Sample;
import com.gds.alerting.collectors.source.SqlRunner;

/** Mapping only, from recorded DMV answers: no SQL Server runs here. */
class SqlServerCollectorTest {

    private final List<Sample> samples;

    SqlServerCollectorTest() throws Exception {
        samples = collector(null).collect(recorded());
    }

    private static SqlServerCollector collector(Integer connectionLimit) {
        return new SqlServerCollector(null, "sql-prod-01", connectionLimit);
    }

    private static SqlRunner recorded() {
        return RecordedAnswers.sql("mssql-primary-with-blocking.json", SqlServerCollector.QUERIES);
    }

    @Test
    void connectionsAreUserSessionsAgainstTheConfiguredUserConnections() {
        assertEquals(412, value(samples, "connections_used"));
        assertEquals(500, value(samples, "connections_max"));
        assertEquals(412.0 / 500, value(samples, "connections_used_ratio"), 1e-12);
        assertEquals(37, value(samples, "sessions_running"));
    }

    @Test
    void withoutAConfiguredLimitNoRatioAgainstThe32767BuiltInMaximumIsPublished() throws Exception {
        SqlRunner recorded = RecordedAnswers.sql("mssql-primary-with-blocking.json", SqlServerCollector.QUERIES);
        SqlRunner unconfigured = sql -> sql.equals(SqlServerCollector.QUERIES.get("sessions"))
                ? List.of(Map.of("sessions", 412, "running", 37, "user_connections", 0, "max_connections", 32767))
                : recorded.query(sql);
        List<Sample> out = collector(null).collect(unconfigured);
        assertEquals(32767, value(out, "connections_max"));
        assertTrue(out.stream().noneMatch(s -> s.name().equals("connections_used_ratio")),
                "412 / 32767 = 0.013 would read as healthy whatever happens");
    }

    @Test
    void runningIsCountedInABinaryCollationAndPleReadsTheBufferNodes() {
        String sessions = SqlServerCollector.QUERIES.get("sessions");
        assertTrue(sessions.contains("status COLLATE Latin1_General_BIN = N'running'"), sessions);
        String ple = SqlServerCollector.QUERIES.get("ple");
        assertTrue(ple.contains("Buffer Node") && !ple.contains("Buffer Manager"), ple);
    }

    @Test
    void theTopWaitsLeaveOutTheStandardIdleBackgroundAndQueueWaits() {
        String waits = SqlServerCollector.QUERIES.get("waits");
        for (String benign : List.of("SLEEP_TASK", "LAZYWRITER_SLEEP", "BROKER_RECEIVE_WAITFOR", "HADR_WORK_QUEUE",
                "DISPATCHER_QUEUE_SEMAPHORE", "XE_TIMER_EVENT", "SQLTRACE_INCREMENTAL_FLUSH_SLEEP", "CHKPT",
                "PARALLEL_REDO_WORKER_WAIT_WORK", "SOS_WORK_DISPATCHER", "WAIT_XTP_OFFLINE_CKPT_NEW_LOG")) {
            assertTrue(waits.contains("N'" + benign + "'"), benign + " excluded");
        }
        assertTrue(!waits.contains("'LCK_M_X'") && !waits.contains("'PAGEIOLATCH_SH'"), "real waits are kept");
    }

    @Test
    void blockingIsCountedAndTheLongestWaitIsInSeconds() {
        assertEquals(3, value(samples, "blocked_sessions"));
        assertEquals(48.25, value(samples, "blocked_longest_wait_seconds"));
    }

    @Test
    void pageLifeExpectancyIsTheWorstNumaNode() {
        assertEquals(212, value(samples, "page_life_expectancy_seconds"), "node 001, not node 000's 5400");
    }

    @Test
    void availabilityGroupQueuesAndLagArePerDatabaseAndReplica() {
        Sample lag = samples.stream().filter(s -> s.name().equals("ag_secondary_lag_seconds")).findFirst().orElseThrow();
        assertEquals(17, lag.value());
        assertEquals("SQL-B", lag.tags().get("replica"));
        assertEquals("orders", lag.tags().get("database"));
        assertEquals(1, samples.stream().filter(s -> s.name().equals("ag_secondary_lag_seconds")).count(),
                "the primary's own row has no lag (null), so no series");
        assertTrue(samples.stream().anyMatch(s -> s.name().equals("ag_log_send_queue_kb") && s.value() == 10240));
    }

    @Test
    void waitsAndLogSpaceAreTaggedSeries() {
        assertEquals(981234, value(samples, "wait_time_ms_total", "wait_type", "LCK_M_X"));
        assertEquals(0.83, value(samples, "log_space_used_ratio", "database", "orders"), 1e-12);
        assertTrue(SqlServerCollector.METRICS.containsAll(samples.stream().map(Sample::name).toList()));
    }

    @Test
    void aTargetsConnectionLimitWinsOverTheServersUserConnections() throws Exception {
        List<Sample> out = collector(450).collect(recorded());
        assertEquals(450, value(out, "connections_max"));
        assertEquals(412.0 / 450, value(out, "connections_used_ratio"), 1e-12);
    }

    @Test
    void withEveryGrantThePermissionMetricIsOne() {
        assertEquals(1, value(samples, "collector_permission_ok"));
    }

    @Test
    void withoutViewServerStateNoFigureOfTheDmvsIsPublishedAndTheMissingGrantsAreNamed() throws Exception {
        List<String> asked = new ArrayList<>();
        SqlRunner recorded = RecordedAnswers.sql("mssql-without-view-server-state.json", SqlServerCollector.QUERIES);
        List<Sample> out = collector(null).collect(sql -> {
            asked.add(SqlServerCollector.QUERIES.entrySet().stream().filter(e -> e.getValue().equals(sql))
                    .map(Map.Entry::getKey).findFirst().orElseThrow());
            return recorded.query(sql);
        });
        assertEquals(List.of("permissions", "databases"), asked,
                "the DMVs would show this login its own session only: 1 connection, 0 s longest query");
        Sample permission = SampleAssertions.sample(out, "collector_permission_ok", "missing",
                "VIEW SERVER PERFORMANCE STATE,msdb.dbo.sysjobhistory,msdb.dbo.backupset");
        assertEquals(0, permission.value(), "2022 (16) needs VIEW SERVER PERFORMANCE STATE; msdb has no user for it");
        assertTrue(out.stream().noneMatch(s -> s.name().startsWith("connections") || s.name().startsWith("longest")
                || s.name().startsWith("backup") || s.name().startsWith("agent")));
        assertEquals(1, SampleAssertions.sample(out, "databases_unhealthy", "databases", "orders:RECOVERY_PENDING").value(),
                "sys.databases is visible without the grant: still published");
    }

    @Test
    void aSuspectDatabaseIsCountedAndNamedAndEveryStateIsASeries() {
        Sample unhealthy = SampleAssertions.sample(samples, "databases_unhealthy", "databases", "billing:SUSPECT");
        assertEquals(1, unhealthy.value(), "OFFLINE (archive) is a choice, not a failure");
        assertEquals(4, value(samples, "database_state", "database", "billing"));
        assertEquals("SUSPECT", SampleAssertions.sample(samples, "database_state", "database", "billing").tags().get("state"));
        assertEquals(0, value(samples, "database_state", "database", "orders"));
    }

    @Test
    void aLogHeldByAReplicaIsBlockedWhileOneWaitingForItsLogBackupIsNot() {
        assertEquals(1, value(samples, "log_reuse_wait", "database", "orders"));
        assertEquals("AVAILABILITY_REPLICA",
                SampleAssertions.sample(samples, "log_reuse_wait", "database", "orders").tags().get("reason"));
        assertEquals(0, value(samples, "log_reuse_wait", "database", "master"));
        assertEquals(1, SampleAssertions.sample(samples, "databases_log_reuse_blocked", "databases",
                "orders:AVAILABILITY_REPLICA").value(), "reporting's LOG_BACKUP is the normal wait between log backups");
    }

    @Test
    void backupAgesArePerDatabaseAndTheOldestIsWhatARuleWatches() {
        assertEquals(950400, value(samples, "backup_full_age_seconds", "database", "reporting"));
        assertEquals(950400, value(samples, "backup_full_oldest_age_seconds", "database", "reporting"));
        assertEquals(14400, value(samples, "backup_log_oldest_age_seconds", "database", "reporting"));
        assertTrue(samples.stream().noneMatch(s -> s.name().equals("backup_log_age_seconds")
                && "master".equals(s.tags().get("database"))), "SIMPLE recovery has no log backups");
    }

    @Test
    void aFailedAgentJobIsCountedAndNamed() {
        assertEquals(1, SampleAssertions.sample(samples, "agent_jobs_failed", "jobs", "IndexOptimize - USER_DATABASES").value());
        assertEquals(1, value(samples, "agent_job_last_run_failed", "job", "IndexOptimize - USER_DATABASES"));
        assertEquals(0, value(samples, "agent_job_last_run_failed", "job", "syspolicy_purge_history"), "in progress");
    }

    @Test
    void aNotHealthyReplicaAndDatabaseReplicaAreCountedAndEachHasItsHealthLevel() {
        assertEquals(1, SampleAssertions.sample(samples, "ag_replicas_not_healthy", "replicas", "SQL-C").value());
        assertEquals(2, value(samples, "ag_replica_health", "replica", "SQL-C"));
        assertEquals(1, value(samples, "ag_replica_health", "replica", "SQL-A"), "PARTIALLY_HEALTHY");
        assertEquals(0, value(samples, "ag_replica_connected", "replica", "SQL-C"));
        assertEquals(1, SampleAssertions.sample(samples, "ag_databases_not_healthy", "databases", "orders@SQL-C").value());
        Sample state = samples.stream().filter(s -> s.name().equals("ag_database_synchronization_state")
                && "SQL-C".equals(s.tags().get("replica"))).findFirst().orElseThrow();
        assertEquals(0, state.value());
        assertEquals("NOT SYNCHRONIZING", state.tags().get("state"));
    }

    @Test
    void workerThreadsAreUsedAgainstMax() {
        assertEquals(486, value(samples, "worker_threads_active"));
        assertEquals(576, value(samples, "worker_threads_max"));
        assertEquals(486.0 / 576, value(samples, "worker_threads_used_ratio"), 1e-12);
        assertEquals(14, value(samples, "tasks_waiting_for_worker"));
    }

    @Test
    void longRunningQueriesAreBoundedToTheLongestFiveOverAMinute() {
        assertEquals(5423, value(samples, "longest_query_seconds"));
        assertEquals(2, value(samples, "long_running_queries"));
        assertEquals(75.5, value(samples, "long_running_query_seconds", "session_id", "112"));
        assertTrue(samples.stream().noneMatch(s -> s.name().equals("long_running_query_seconds")
                && "64".equals(s.tags().get("session_id"))), "1.2 s is not long-running");
        assertTrue(SqlServerCollector.QUERIES.get("long_queries").contains("TOP 5"));
    }

    @Test
    void deadlocksAndBatchRequestsPerSecondComeFromCounterDeltasOverTheServersClock() throws Exception {
        SqlServerCollector collector = collector(null);
        List<Sample> first = collector.collect(recorded());
        assertEquals(1041, value(first, "deadlocks_total"));
        assertTrue(first.stream().noneMatch(s -> s.name().endsWith("_per_second")), "no interval yet on the first cycle");

        SqlRunner recorded = recorded();
        SqlRunner thirtySecondsLater = sql -> {
            if (sql.equals(SqlServerCollector.QUERIES.get("counters"))) {
                return List.of(Map.of("counter_name", "Number of Deadlocks/sec", "cntr_value", 1047),
                        Map.of("counter_name", "Batch Requests/sec", "cntr_value", 88123456 + 45000));
            }
            if (sql.equals(SqlServerCollector.QUERIES.get("permissions"))) {
                Map<String, Object> p = new java.util.HashMap<>(recorded.query(sql).get(0));
                p.put("now_ms", 1795255200000L + 30_000);
                return List.of(p);
            }
            return recorded.query(sql);
        };
        List<Sample> second = collector.collect(thirtySecondsLater);
        assertEquals(6 / 30.0, value(second, "deadlocks_per_second"), 1e-12);
        assertEquals(1500, value(second, "batch_requests_per_second"), 1e-9);

        SqlRunner restarted = sql -> {
            if (sql.equals(SqlServerCollector.QUERIES.get("counters"))) {
                return List.of(Map.of("counter_name", "Number of Deadlocks/sec", "cntr_value", 2));
            }
            if (sql.equals(SqlServerCollector.QUERIES.get("permissions"))) {
                Map<String, Object> p = new java.util.HashMap<>(recorded.query(sql).get(0));
                p.put("now_ms", 1795255200000L + 60_000);
                return List.of(p);
            }
            return recorded.query(sql);
        };
        assertTrue(collector.collect(restarted).stream().noneMatch(s -> s.name().equals("deadlocks_per_second")),
                "a counter that went down (a restart) gives no rate");
    }
}
