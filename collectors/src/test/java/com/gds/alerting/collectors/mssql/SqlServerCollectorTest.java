package com.gds.alerting.collectors.mssql;

import static com.gds.alerting.collectors.SampleAssertions.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.gds.alerting.collectors.RecordedAnswers;
import com.gds.alerting.collectors.source.Sample;
import com.gds.alerting.collectors.source.SqlRunner;

/** Mapping only, from recorded DMV answers: no SQL Server runs here. */
class SqlServerCollectorTest {

    private final List<Sample> samples;

    SqlServerCollectorTest() throws Exception {
        samples = SqlServerCollector.collect(RecordedAnswers.sql("mssql-primary-with-blocking.json", SqlServerCollector.QUERIES));
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
        List<Sample> out = SqlServerCollector.collect(unconfigured);
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
}
