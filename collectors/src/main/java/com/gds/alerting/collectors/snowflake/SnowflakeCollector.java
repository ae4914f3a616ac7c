package com.gds.alerting.collectors.snowflake;

import static com.gds.alerting.collectors.source.Rows.number;
import static com.gds.alerting.collectors.source.Rows.text;

import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
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
 * Snowflake: warehouse load and queued queries, failed queries and logins, credits used.
 *
 * <p>Latency is handled by choosing the source: load, queries and logins come from the {@code
 * INFORMATION_SCHEMA} table functions, which have no latency, over the last 15 minutes. Credits
 * come from {@code SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY}, documented to lag up to 3
 * hours: the collector reads the last whole hour that ended at least 3 hours ago and stamps each
 * value with that hour's end, so event time is right even though it arrives late. Every query
 * needs a running warehouse, so give Snowflake targets a long interval (5m or more).
 */
public final class SnowflakeCollector implements Collector {

    public static final Set<String> METRICS = Set.of(
            "warehouse_avg_running", "warehouse_avg_queued_load", "warehouse_avg_queued_provisioning",
            "warehouse_avg_blocked", "queries_15m", "failed_queries_15m", "queued_queries", "failed_logins_15m",
            "logins_15m", "warehouse_credits_used_hourly");

    static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        QUERIES.put("warehouse_load", """
                SELECT warehouse_name, AVG(avg_running) AS avg_running, AVG(avg_queued_load) AS avg_queued_load,
                       AVG(avg_queued_provisioning) AS avg_queued_provisioning, AVG(avg_blocked) AS avg_blocked
                FROM TABLE(INFORMATION_SCHEMA.WAREHOUSE_LOAD_HISTORY(
                       DATE_RANGE_START => DATEADD('minute', -15, CURRENT_TIMESTAMP())))
                GROUP BY warehouse_name""");
        QUERIES.put("queries", """
                SELECT COUNT(*) AS total, COUNT_IF(execution_status LIKE 'FAILED%') AS failed,
                       COUNT_IF(execution_status IN ('QUEUED', 'RESUMING_WAREHOUSE')) AS queued
                FROM TABLE(INFORMATION_SCHEMA.QUERY_HISTORY(
                       END_TIME_RANGE_START => DATEADD('minute', -15, CURRENT_TIMESTAMP()), RESULT_LIMIT => 10000))""");
        QUERIES.put("logins", """
                SELECT COUNT(*) AS total, COUNT_IF(is_success = 'NO') AS failed
                FROM TABLE(INFORMATION_SCHEMA.LOGIN_HISTORY(
                       TIME_RANGE_START => DATEADD('minute', -15, CURRENT_TIMESTAMP()), RESULT_LIMIT => 10000))""");
        QUERIES.put("credits", """
                SELECT warehouse_name, end_time, SUM(credits_used) AS credits_used
                FROM SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY
                WHERE end_time = DATEADD('hour', -3, DATE_TRUNC('hour', CURRENT_TIMESTAMP()))
                GROUP BY warehouse_name, end_time""");
    }

    private final JdbcSession session;

    public SnowflakeCollector(JdbcSession session) {
        this.session = session;
    }

    @Override
    public List<Sample> collect() throws SQLException {
        return collect(session);
    }

    static List<Sample> collect(SqlRunner sql) throws SQLException {
        List<Sample> out = new ArrayList<>();
        for (Map<String, Object> w : sql.query(QUERIES.get("warehouse_load"))) {
            String wh = text(w, "warehouse_name");
            out.add(Sample.of("warehouse_avg_running", number(w, "avg_running"), "warehouse", wh));
            out.add(Sample.of("warehouse_avg_queued_load", number(w, "avg_queued_load"), "warehouse", wh));
            out.add(Sample.of("warehouse_avg_queued_provisioning", number(w, "avg_queued_provisioning"), "warehouse", wh));
            out.add(Sample.of("warehouse_avg_blocked", number(w, "avg_blocked"), "warehouse", wh));
        }
        Map<String, Object> q = sql.query(QUERIES.get("queries")).get(0);
        out.add(Sample.of("queries_15m", number(q, "total")));
        out.add(Sample.of("failed_queries_15m", number(q, "failed")));
        out.add(Sample.of("queued_queries", number(q, "queued")));
        Map<String, Object> l = sql.query(QUERIES.get("logins")).get(0);
        out.add(Sample.of("logins_15m", number(l, "total")));
        out.add(Sample.of("failed_logins_15m", number(l, "failed")));
        for (Map<String, Object> c : sql.query(QUERIES.get("credits"))) {
            out.add(new Sample("warehouse_credits_used_hourly", number(c, "credits_used"),
                    Map.of("warehouse", text(c, "warehouse_name")), instant(c.get("end_time"))));
        }
        return out;
    }

    /** The driver gives a TIMESTAMP_LTZ as a {@code Timestamp}; recorded answers as ISO text. */
    static Instant instant(Object v) {
        if (v instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        if (v instanceof java.time.temporal.TemporalAccessor t) {
            return Instant.from(t);
        }
        return v == null ? null : OffsetDateTime.parse(v.toString()).toInstant();
    }

    @Override
    public void close() {
        session.close();
    }
}
