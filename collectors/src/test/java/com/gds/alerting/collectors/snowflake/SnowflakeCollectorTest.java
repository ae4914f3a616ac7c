package com.gds.alerting.collectors.snowflake;

import static com.gds.alerting.collectors.SampleAssertions.sample;
import static com.gds.alerting.collectors.SampleAssertions.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.gds.alerting.collectors.source.Sample;
import com.gds.alerting.collectors.source.SqlRunner;

/** Mapping only, from recorded answers: no Snowflake account is reachable here. */
class SnowflakeCollectorTest {

    /** The recordings' CURRENT_TIMESTAMP(): 2026-11-21T12:00:00Z. */
    private static final long NOW = Instant.parse("2026-11-21T12:00:00Z").toEpochMilli();

    private final List<Sample> samples;

    SnowflakeCollectorTest() throws Exception {
        samples = collector().collect(new RecordedSnowflake("snowflake-busy-account.json"));
    }

    private static SnowflakeCollector collector() {
        return new SnowflakeCollector(null, "sf-prod-01");
    }

    @Test
    void warehouseLoadIsPerWarehouse() {
        assertEquals(1.25, value(samples, "warehouse_avg_queued_load", "warehouse", "ETL_WH"));
        assertEquals(0.1, value(samples, "warehouse_avg_queued_provisioning", "warehouse", "BI_WH"));
    }

    @Test
    void failuresAndQueueComeFromTheLatencyFreeTableFunctions() {
        assertEquals(1520, value(samples, "queries_15m"), "the 300 queries that ended before the window are not counted");
        assertEquals(14, value(samples, "failed_queries_15m"));
        assertEquals(6, value(samples, "queued_queries"));
        assertEquals(230, value(samples, "logins_15m"));
        assertEquals(9, value(samples, "failed_logins_15m"));
        assertNull(samples.stream().filter(s -> s.name().equals("failed_logins_15m")).findFirst().orElseThrow().measuredAt(),
                "measured now");
        assertEquals(1, value(samples, "collector_permission_ok"));
    }

    @Test
    void theTableFunctionsNeedNoCurrentDatabase() {
        for (String sql : List.of(SnowflakeCollector.QUERIES.get("warehouse_load"), SnowflakeCollector.QUERIES.get("queries_executing"),
                SnowflakeQueries.queryHistoryPage(0, 1), SnowflakeQueries.loginHistoryPage(0, 1))) {
            assertTrue(sql.contains("TABLE(SNOWFLAKE.INFORMATION_SCHEMA."), "qualified, since a monitoring login has no current database");
        }
    }

    @Test
    void aWindowOfMoreThan10000QueriesIsPagedToTheExactCount() throws Exception {
        RecordedSnowflake account = new RecordedSnowflake("snowflake-beyond-result-limit.json");
        long truth = account.queriesIn(NOW - 15 * 60_000, NOW);
        List<Sample> out = collector().collect(account);
        assertEquals(12_345, truth, "the recording holds 12,345 queries in the last 15 minutes");
        assertEquals(12_345, value(out, "queries_15m"), "not the 10,000 one call of the function returns");
        assertEquals(37, value(out, "failed_queries_15m"));
        assertEquals(0, value(out, "result_limit_reached", "function", "query_history"));
        assertEquals(230, value(out, "logins_15m"));
        assertTrue(account.asked.stream().filter("query_history_page"::equals).count() >= 3,
                "the full first page was split: " + account.asked);
    }

    @Test
    void aHistoryTooDenseToPageIsNotPublishedAsAFloor() throws Exception {
        RecordedSnowflake account = new RecordedSnowflake("snowflake-busy-account.json");
        account.addQueries(NOW - 60_000, HistoryPager.RESULT_LIMIT + 1);
        List<Sample> out = collector().collect(account);
        assertTrue(out.stream().noneMatch(s -> s.name().equals("queries_15m") || s.name().equals("failed_queries_15m")),
                "10,001 queries in one millisecond cannot be paged");
        assertEquals(1, value(out, "result_limit_reached", "function", "query_history"));
        assertEquals(230, value(out, "logins_15m"), "the other function's counts are whole");
    }

    @Test
    void pagingIsBoundedPerCycle() throws Exception {
        RecordedSnowflake account = new RecordedSnowflake("snowflake-busy-account.json");
        // 120 bursts of 5,001 queries 7.5 s apart: no page can hold two bursts, so 120 pages would be needed.
        for (int burst = 1; burst <= 120; burst++) {
            account.addQueries(NOW - burst * 7_500L, 5_001);
        }
        List<Sample> out = collector().collect(account);
        assertTrue(out.stream().noneMatch(s -> s.name().equals("queries_15m")));
        assertEquals(1, value(out, "result_limit_reached", "function", "query_history"));
        assertTrue(account.asked.stream().filter("query_history_page"::equals).count() <= SnowflakeCollector.MAX_PAGES,
                "at most " + SnowflakeCollector.MAX_PAGES + " pages");
    }

    @Test
    void withoutImportedPrivilegesOnlyResourceMonitorsArePublishedAndTheGrantIsNamed() throws Exception {
        RecordedSnowflake recorded = new RecordedSnowflake("snowflake-busy-account.json");
        SqlRunner noShare = sql -> sql.equals(SnowflakeCollector.QUERIES.get("snowflake_database")) ? List.of() : recorded.query(sql);
        List<Sample> out = collector().collect(noShare);
        assertEquals(0, value(out, "collector_permission_ok", "missing", SnowflakeCollector.IMPORTED_PRIVILEGES));
        assertEquals(List.of("context", "resource_monitors"), recorded.asked,
                "nothing is read from the shared database (the SHOW DATABASES probe answered by the wrapper)");
        assertTrue(out.stream().allMatch(s -> s.name().equals("collector_permission_ok") || s.name().startsWith("resource_monitor")),
                out.toString());
    }

    @Test
    void warehousesTheRoleCannotSeeWithholdTheAccountWideQueryCounts() throws Exception {
        RecordedSnowflake recorded = new RecordedSnowflake("snowflake-busy-account.json");
        SqlRunner hidden = sql -> sql.equals(SnowflakeCollector.QUERIES.get("warehouses_metered"))
                ? List.of(Map.of("warehouse_name", "ETL_WH"), Map.of("warehouse_name", "BI_WH"), Map.of("warehouse_name", "ADHOC_WH"))
                : recorded.query(sql);
        List<Sample> out = collector().collect(hidden);
        assertEquals(0, value(out, "collector_permission_ok", "missing", SnowflakeCollector.WAREHOUSE_MONITOR));
        assertTrue(out.stream().noneMatch(s -> s.name().equals("queries_15m") || s.name().equals("failed_queries_15m")
                || s.name().equals("queued_queries")), "ADHOC_WH's queries would be missing from them");
        assertEquals(1.25, value(out, "warehouse_avg_queued_load", "warehouse", "ETL_WH"), "per-warehouse figures stay whole");
    }

    @Test
    void eachClosedCreditsHourIsPublishedOnce() throws Exception {
        SnowflakeCollector collector = collector();
        List<Sample> first = collector.collect(new RecordedSnowflake("snowflake-busy-account.json"));
        List<Sample> second = collector.collect(new RecordedSnowflake("snowflake-busy-account.json"));
        assertEquals(3, first.stream().filter(s -> s.name().equals("warehouse_credits_used_hourly")).count(),
                "ETL_WH 08:00 and 09:00, BI_WH 09:00: every hour not yet published in the 3-6 hours back");
        assertEquals(0, second.stream().filter(s -> s.name().equals("warehouse_credits_used_hourly")
                || s.name().equals("serverless_credits_used_hourly") || s.name().equals("storage_bytes")).count(),
                "the same hours and days are not republished every cycle");
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

    @Test
    void serverlessCreditsArePerServiceTypeAndHour() {
        Sample pipe = sample(samples, "serverless_credits_used_hourly", "service_type", "PIPE");
        assertEquals(0.42, pipe.value());
        assertEquals(Instant.parse("2026-11-21T08:00:00Z"), pipe.measuredAt());
        assertEquals(2.25, value(samples, "serverless_credits_used_hourly", "service_type", "AUTO_CLUSTERING"));
    }

    @Test
    void storageIsPublishedPerKindForEachWholeDayStampedWithItsEnd() {
        List<Sample> table = samples.stream().filter(s -> s.name().equals("storage_bytes") && "storage".equals(s.tags().get("kind")))
                .toList();
        assertEquals(2, table.size());
        assertEquals(81.5e12, table.get(1).value());
        assertEquals(Instant.parse("2026-11-21T00:00:00Z"), table.get(1).measuredAt());
        assertTrue(SnowflakeCollector.QUERIES.get("storage").contains("usage_date < CURRENT_DATE()"), "today is not whole yet");
    }

    @Test
    void resourceMonitorHeadroomIsPerMonitorAndTheFullestIsWhatARuleWatches() {
        assertEquals(4610.5 / 5000, value(samples, "resource_monitor_used_ratio", "monitor", "ACCOUNT_MONTHLY"), 1e-12);
        assertEquals(389.5, value(samples, "resource_monitor_remaining_credits", "monitor", "ACCOUNT_MONTHLY"));
        assertEquals(4610.5 / 5000, value(samples, "resource_monitor_used_ratio_max", "monitor", "ACCOUNT_MONTHLY"), 1e-12);
        assertTrue(samples.stream().noneMatch(s -> "NO_QUOTA".equals(s.tags().get("monitor"))), "no quota, no ratio");
    }

    @Test
    void failingTasksAndPipesAreCountedAndNamed() {
        assertEquals(2, sample(samples, "tasks_failing", "tasks", "ANALYTICS.ETL.LOAD_ORDERS,ANALYTICS.ETL.REFRESH_DIM").value());
        assertEquals(5, value(samples, "task_failures_24h", "task", "ANALYTICS.ETL.LOAD_ORDERS"));
        assertEquals(1, sample(samples, "pipes_failing", "pipes", "RAW.EVENTS.CLICKSTREAM_PIPE").value());
        assertEquals(37, value(samples, "pipe_failed_files_24h", "pipe", "RAW.EVENTS.CLICKSTREAM_PIPE"));
        assertTrue(SnowflakeCollector.METRICS.containsAll(samples.stream().map(Sample::name).toList()));
    }
}
