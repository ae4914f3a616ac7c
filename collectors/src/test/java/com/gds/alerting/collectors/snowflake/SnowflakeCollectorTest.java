package com.gds.alerting.collectors.snowflake;

import static com.gds.alerting.collectors.SampleAssertions.sample;
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
        samples = SnowflakeCollector.collect(RecordedAnswers.sql("snowflake-busy-account.json", SnowflakeCollector.QUERIES));
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
    void creditsCarryTheHourTheyDescribeBecauseAccountUsageLagsHours() {
        Sample etl = sample(samples, "warehouse_credits_used_hourly", "warehouse", "ETL_WH");
        assertEquals(7.75, etl.value());
        assertEquals(Instant.parse("2026-11-21T09:00:00Z"), etl.measuredAt());
        assertTrue(SnowflakeCollector.QUERIES.get("credits").contains("DATEADD('hour', -3"), "read 3 hours back");
    }
}
