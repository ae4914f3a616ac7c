package com.gds.alerting.collectors.snowflake;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Snowflake collector's SQL. Fixed queries by name (the names of the recorded answers in the
 * tests); the history pages are built from their bounds. Table functions are called as {@code
 * SNOWFLAKE.INFORMATION_SCHEMA.*}, so no current database is needed.
 */
final class SnowflakeQueries {

    private SnowflakeQueries() {
    }

    static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        // The server's clock bounds the history pages, so agent clock skew cannot move the window.
        QUERIES.put("context", """
                SELECT CURRENT_ROLE() AS role, DATE_PART(epoch_millisecond, CURRENT_TIMESTAMP()) AS now_ms""");
        // Visible only with a privilege on the shared database (IMPORTED PRIVILEGES, or one of its
        // database roles); every other query but the resource monitors reads from it.
        QUERIES.put("snowflake_database", "SHOW DATABASES LIKE 'SNOWFLAKE'");
        // Warehouses the role can see, against those that ran in the last 7 days (ACCOUNT_USAGE sees
        // them all; warehouse_id 0 is the cloud-services pseudo warehouse).
        QUERIES.put("warehouses_visible", "SHOW WAREHOUSES");
        QUERIES.put("warehouses_metered", """
                SELECT DISTINCT warehouse_name FROM SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY
                WHERE start_time > DATEADD('day', -7, CURRENT_TIMESTAMP()) AND warehouse_id > 0""");
        QUERIES.put("warehouse_load", """
                SELECT warehouse_name, AVG(avg_running) AS avg_running, AVG(avg_queued_load) AS avg_queued_load,
                       AVG(avg_queued_provisioning) AS avg_queued_provisioning, AVG(avg_blocked) AS avg_blocked
                FROM TABLE(SNOWFLAKE.INFORMATION_SCHEMA.WAREHOUSE_LOAD_HISTORY(
                       DATE_RANGE_START => DATEADD('minute', -15, CURRENT_TIMESTAMP())))
                GROUP BY warehouse_name""");
        // Without END_TIME_RANGE_END the function includes queries still executing, which it returns
        // before finished ones when it cuts at the limit: the queue is exact while fewer than 10,000
        // queries execute at once.
        QUERIES.put("queries_executing", """
                SELECT COUNT_IF(execution_status IN ('QUEUED', 'RESUMING_WAREHOUSE')) AS queued,
                       COUNT_IF(execution_status IN ('RUNNING', 'QUEUED', 'RESUMING_WAREHOUSE', 'BLOCKED')) AS executing
                FROM TABLE(SNOWFLAKE.INFORMATION_SCHEMA.QUERY_HISTORY(
                       END_TIME_RANGE_START => DATEADD('minute', -15, CURRENT_TIMESTAMP()), RESULT_LIMIT => 10000))""");
        QUERIES.put("credits", """
                SELECT warehouse_name, end_time, SUM(credits_used) AS credits_used
                FROM SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY
                WHERE end_time > DATEADD('hour', -6, DATE_TRUNC('hour', CURRENT_TIMESTAMP()))
                  AND end_time <= DATEADD('hour', -3, DATE_TRUNC('hour', CURRENT_TIMESTAMP()))
                GROUP BY warehouse_name, end_time
                ORDER BY end_time""");
        // Serverless features bill by the hour too (Snowpipe, serverless tasks, clustering, ...), with
        // the same lag as warehouses.
        QUERIES.put("serverless_credits", """
                SELECT service_type, end_time, SUM(credits_used) AS credits_used
                FROM SNOWFLAKE.ACCOUNT_USAGE.METERING_HISTORY
                WHERE service_type <> 'WAREHOUSE_METERING'
                  AND end_time > DATEADD('hour', -6, DATE_TRUNC('hour', CURRENT_TIMESTAMP()))
                  AND end_time <= DATEADD('hour', -3, DATE_TRUNC('hour', CURRENT_TIMESTAMP()))
                GROUP BY service_type, end_time
                ORDER BY end_time""");
        // One row per whole day (today's is still changing), latency up to 2 hours.
        QUERIES.put("storage", """
                SELECT usage_date, storage_bytes, stage_bytes, failsafe_bytes
                FROM SNOWFLAKE.ACCOUNT_USAGE.STORAGE_USAGE
                WHERE usage_date >= DATEADD('day', -3, CURRENT_DATE()) AND usage_date < CURRENT_DATE()
                ORDER BY usage_date""");
        // Lists the monitors the role may see (ACCOUNTADMIN, or MONITOR on the monitor).
        QUERIES.put("resource_monitors", "SHOW RESOURCE MONITORS");
        // Tasks whose newest run of the last 24 hours failed (ACCOUNT_USAGE: complete, up to 45 min late).
        QUERIES.put("tasks_failing", """
                SELECT task, failures_24h, COUNT(*) OVER () AS failing FROM (
                  SELECT database_name || '.' || schema_name || '.' || name AS task, state,
                         COUNT_IF(state LIKE 'FAILED%') OVER (PARTITION BY database_name, schema_name, name) AS failures_24h,
                         ROW_NUMBER() OVER (PARTITION BY database_name, schema_name, name ORDER BY completed_time DESC) AS newest
                  FROM SNOWFLAKE.ACCOUNT_USAGE.TASK_HISTORY
                  WHERE completed_time > DATEADD('hour', -24, CURRENT_TIMESTAMP())
                    AND state IN ('SUCCEEDED', 'FAILED', 'FAILED_AND_AUTO_SUSPENDED', 'CANCELLED'))
                WHERE newest = 1 AND state LIKE 'FAILED%'
                ORDER BY failures_24h DESC LIMIT 20""");
        // Pipes with files that failed to load in the last 24 hours (COPY_HISTORY: up to 2 hours late).
        QUERIES.put("pipes_failing", """
                SELECT pipe_catalog_name || '.' || pipe_schema_name || '.' || pipe_name AS pipe, COUNT(*) AS failed_files,
                       COUNT(*) OVER () AS failing
                FROM SNOWFLAKE.ACCOUNT_USAGE.COPY_HISTORY
                WHERE pipe_name IS NOT NULL AND last_load_time > DATEADD('hour', -24, CURRENT_TIMESTAMP())
                  AND UPPER(status) IN ('LOAD FAILED', 'PARTIALLY LOADED')
                GROUP BY 1 ORDER BY failed_files DESC LIMIT 20""");
    }

    /** Queries that finished in {@code [start, end)}; with END_TIME_RANGE_END the function returns finished queries only. */
    static String queryHistoryPage(long startMs, long endMs) {
        String in = "end_time >= TO_TIMESTAMP_LTZ(%d, 3) AND end_time < TO_TIMESTAMP_LTZ(%d, 3)".formatted(startMs, endMs);
        return """
                SELECT COUNT(*) AS returned, COUNT_IF(%s) AS total,
                       COUNT_IF(%s AND execution_status LIKE 'FAILED%%') AS failed
                FROM TABLE(SNOWFLAKE.INFORMATION_SCHEMA.QUERY_HISTORY(
                       END_TIME_RANGE_START => TO_TIMESTAMP_LTZ(%d, 3), END_TIME_RANGE_END => TO_TIMESTAMP_LTZ(%d, 3),
                       RESULT_LIMIT => 10000))""".formatted(in, in, startMs, endMs);
    }

    /** Login attempts in {@code [start, end)}. */
    static String loginHistoryPage(long startMs, long endMs) {
        String in = "event_timestamp >= TO_TIMESTAMP_LTZ(%d, 3) AND event_timestamp < TO_TIMESTAMP_LTZ(%d, 3)"
                .formatted(startMs, endMs);
        return """
                SELECT COUNT(*) AS returned, COUNT_IF(%s) AS total, COUNT_IF(%s AND is_success = 'NO') AS failed
                FROM TABLE(SNOWFLAKE.INFORMATION_SCHEMA.LOGIN_HISTORY(
                       TIME_RANGE_START => TO_TIMESTAMP_LTZ(%d, 3), TIME_RANGE_END => TO_TIMESTAMP_LTZ(%d, 3),
                       RESULT_LIMIT => 10000))""".formatted(in, in, startMs, endMs);
    }
}
