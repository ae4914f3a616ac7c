package com.gds.alerting.collectors.snowflake;

import static com.gds.alerting.collectors.SampleAssertions.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.gds.alerting.collectors.RecordedAnswers;
import com.gds.alerting.collectors.source.Sample;

/** Mapping only, from recorded answers: no Snowflake account is reachable here. */
class SnowflakeCollectorTest {

    private final List<Sample> samples;

    SnowflakeCollectorTest() throws Exception {
        samples = new SnowflakeCollector(null).collect(RecordedAnswers.sql("snowflake-busy-account.json", SnowflakeCollector.QUERIES));
    }

    @Test
    void warehouseLoadIsPerWarehouse() {
        assertEquals(1.25, value(samples, "warehouse_avg_queued_load", "warehouse", "ETL_WH"));
        assertEquals(0.1, value(samples, "warehouse_avg_queued_provisioning", "warehouse", "BI_WH"));
    }

    @Test
    void failuresAndQueueComeFromTheLatencyFreeTableFunctions() {
        assertEquals(14, value(samples, "failed_queries_15m"));
        assertEquals(6, value(samples, "queued_queries"));
        assertEquals(9, value(samples, "failed_logins_15m"));
        assertNull(samples.stream().filter(s -> s.name().equals("failed_logins_15m")).findFirst().orElseThrow().measuredAt(),
                "measured now");
        assertTrue(SnowflakeCollector.QUERIES.get("logins").contains("INFORMATION_SCHEMA.LOGIN_HISTORY"));
    }

    @Test
    void theTableFunctionsNeedNoCurrentDatabase() {
        for (String name : List.of("warehouse_load", "queries", "logins")) {
            assertTrue(SnowflakeCollector.QUERIES.get(name).contains("TABLE(SNOWFLAKE.INFORMATION_SCHEMA."),
                    name + ": qualified, since a monitoring login has no current database");
        }
    }

    @Test
    void aWindowBeyondTheResultLimitPublishesNoCappedCount() throws Exception {
        List<Sample> capped = new SnowflakeCollector(null)
                .collect(RecordedAnswers.sql("snowflake-result-limit.json", SnowflakeCollector.QUERIES));
        assertTrue(capped.stream().noneMatch(s -> s.name().equals("queries_15m") || s.name().equals("failed_queries_15m")
                || s.name().equals("queued_queries")), "10,000 is where the function stopped, not the count");
        assertEquals(1, value(capped, "result_limit_reached", "function", "query_history"));
        assertEquals(0, value(capped, "result_limit_reached", "function", "login_history"));
        assertEquals(230, value(capped, "logins_15m"), "the other function's counts are whole");
        assertEquals(0, value(samples, "result_limit_reached", "function", "query_history"));
    }

    @Test
    void eachClosedCreditsHourIsPublishedOnce() throws Exception {
        SnowflakeCollector collector = new SnowflakeCollector(null);
        var recorded = RecordedAnswers.sql("snowflake-busy-account.json", SnowflakeCollector.QUERIES);
        List<Sample> first = collector.collect(recorded);
        List<Sample> second = collector.collect(recorded);
        assertEquals(3, first.stream().filter(s -> s.name().equals("warehouse_credits_used_hourly")).count(),
                "ETL_WH 08:00 and 09:00, BI_WH 09:00: every hour not yet published in the 3-6 hours back");
        assertEquals(0, second.stream().filter(s -> s.name().equals("warehouse_credits_used_hourly")).count(),
                "the same hours are not republished every cycle");
        assertTrue(SnowflakeCollector.QUERIES.get("credits").contains("DATEADD('hour', -6"));
    }

    @Test
    void creditsCarryTheHourTheyDescribeBecauseAccountUsageLagsHours() {
        Sample etl = samples.stream().filter(s -> s.name().equals("warehouse_credits_used_hourly")
                && s.measuredAt().equals(Instant.parse("2026-11-21T09:00:00Z")) && "ETL_WH".equals(s.tags().get("warehouse")))
                .findFirst().orElseThrow();
        assertEquals(7.75, etl.value());
        assertTrue(SnowflakeCollector.QUERIES.get("credits").contains("DATEADD('hour', -3"), "read 3 hours back");
        assertEquals(6.5, samples.stream().filter(s -> s.name().equals("warehouse_credits_used_hourly")
                && s.measuredAt().equals(Instant.parse("2026-11-21T08:00:00Z"))).findFirst().orElseThrow().value());
    }
}
