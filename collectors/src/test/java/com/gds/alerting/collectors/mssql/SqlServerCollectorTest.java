package com.gds.alerting.collectors.mssql;

import static com.gds.alerting.collectors.SampleAssertions.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.gds.alerting.collectors.RecordedAnswers;
import com.gds.alerting.collectors.source.Sample;

/** Mapping only, from recorded DMV answers: no SQL Server runs here. */
class SqlServerCollectorTest {

    private final List<Sample> samples;

    SqlServerCollectorTest() throws Exception {
        samples = SqlServerCollector.collect(RecordedAnswers.sql("mssql-primary-with-blocking.json", SqlServerCollector.QUERIES));
    }

    @Test
    void connectionsAreUserSessionsAgainstTheServersLimit() {
        assertEquals(412, value(samples, "connections_used"));
        assertEquals(412.0 / 32767, value(samples, "connections_used_ratio"), 1e-12);
        assertEquals(37, value(samples, "sessions_running"));
    }

    @Test
    void blockingIsCountedAndTheLongestWaitIsInSeconds() {
        assertEquals(3, value(samples, "blocked_sessions"));
        assertEquals(48.25, value(samples, "blocked_longest_wait_seconds"));
    }

    @Test
    void pageLifeExpectancyIsTheWorstNumaNode() {
        assertEquals(212, value(samples, "page_life_expectancy_seconds"));
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
