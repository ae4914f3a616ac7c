package com.gds.alerting.collectors.snowflake;

import static com.gds.alerting.collectors.source.Rows.number;
import static com.gds.alerting.collectors.source.Rows.text;

import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * hours: the collector reads the whole hours that ended 3 to 6 hours ago, publishes each
 * (warehouse, hour) once, stamped with that hour's end, so event time is right even though it
 * arrives late and a cycle every 5 minutes does not republish the same hour twelve times (after an
 * agent restart the last hours are published once more, same timestamp and value: idempotent).
 * Every query needs a running warehouse, so give Snowflake targets a long interval (5m or more).
 *
 * <p>The table functions are called as {@code SNOWFLAKE.INFORMATION_SCHEMA.*}: unqualified, they
 * need a current database, which a monitoring login often has none of. They return at most
 * {@value #RESULT_LIMIT} rows: when a 15-minute window holds more, the count would be silently
 * capped, so it is not published; {@code result_limit_reached{function}} = 1 says so (and one WARN).
 */
public final class SnowflakeCollector implements Collector {

    public static final Set<String> METRICS = Set.of(
            "warehouse_avg_running", "warehouse_avg_queued_load", "warehouse_avg_queued_provisioning",
            "warehouse_avg_blocked", "queries_15m", "failed_queries_15m", "queued_queries", "failed_logins_15m",
            "logins_15m", "warehouse_credits_used_hourly", "result_limit_reached");

    /** The table functions' largest RESULT_LIMIT. */
    static final int RESULT_LIMIT = 10_000;

    static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        QUERIES.put("warehouse_load", """
                SELECT warehouse_name, AVG(avg_running) AS avg_running, AVG(avg_queued_load) AS avg_queued_load,
                       AVG(avg_queued_provisioning) AS avg_queued_provisioning, AVG(avg_blocked) AS avg_blocked
                FROM TABLE(SNOWFLAKE.INFORMATION_SCHEMA.WAREHOUSE_LOAD_HISTORY(
                       DATE_RANGE_START => DATEADD('minute', -15, CURRENT_TIMESTAMP())))
                GROUP BY warehouse_name""");
        QUERIES.put("queries", """
                SELECT COUNT(*) AS total, COUNT_IF(execution_status LIKE 'FAILED%') AS failed,
                       COUNT_IF(execution_status IN ('QUEUED', 'RESUMING_WAREHOUSE')) AS queued
                FROM TABLE(SNOWFLAKE.INFORMATION_SCHEMA.QUERY_HISTORY(
                       END_TIME_RANGE_START => DATEADD('minute', -15, CURRENT_TIMESTAMP()), RESULT_LIMIT => 10000))""");
        QUERIES.put("logins", """
                SELECT COUNT(*) AS total, COUNT_IF(is_success = 'NO') AS failed
                FROM TABLE(SNOWFLAKE.INFORMATION_SCHEMA.LOGIN_HISTORY(
                       TIME_RANGE_START => DATEADD('minute', -15, CURRENT_TIMESTAMP()), RESULT_LIMIT => 10000))""");
        QUERIES.put("credits", """
                SELECT warehouse_name, end_time, SUM(credits_used) AS credits_used
                FROM SNOWFLAKE.ACCOUNT_USAGE.WAREHOUSE_METERING_HISTORY
                WHERE end_time > DATEADD('hour', -6, DATE_TRUNC('hour', CURRENT_TIMESTAMP()))
                  AND end_time <= DATEADD('hour', -3, DATE_TRUNC('hour', CURRENT_TIMESTAMP()))
                GROUP BY warehouse_name, end_time
                ORDER BY end_time""");
    }

    private static final Logger LOG = LoggerFactory.getLogger(SnowflakeCollector.class);

    private final JdbcSession session;
    /** Warehouse → end of the last credits hour published. */
    private final Map<String, Instant> creditsPublishedUpTo = new HashMap<>();
    private final Set<String> capWarned = new HashSet<>();

    public SnowflakeCollector(JdbcSession session) {
        this.session = session;
    }

    @Override
    public List<Sample> collect() throws SQLException {
        return collect(session);
    }

    List<Sample> collect(SqlRunner sql) throws SQLException {
        List<Sample> out = new ArrayList<>();
        for (Map<String, Object> w : sql.query(QUERIES.get("warehouse_load"))) {
            String wh = text(w, "warehouse_name");
            out.add(Sample.of("warehouse_avg_running", number(w, "avg_running"), "warehouse", wh));
            out.add(Sample.of("warehouse_avg_queued_load", number(w, "avg_queued_load"), "warehouse", wh));
            out.add(Sample.of("warehouse_avg_queued_provisioning", number(w, "avg_queued_provisioning"), "warehouse", wh));
            out.add(Sample.of("warehouse_avg_blocked", number(w, "avg_blocked"), "warehouse", wh));
        }
        Map<String, Object> q = sql.query(QUERIES.get("queries")).get(0);
        if (!capped("query_history", q, out)) {
            out.add(Sample.of("queries_15m", number(q, "total")));
            out.add(Sample.of("failed_queries_15m", number(q, "failed")));
            out.add(Sample.of("queued_queries", number(q, "queued")));
        }
        Map<String, Object> l = sql.query(QUERIES.get("logins")).get(0);
        if (!capped("login_history", l, out)) {
            out.add(Sample.of("logins_15m", number(l, "total")));
            out.add(Sample.of("failed_logins_15m", number(l, "failed")));
        }
        for (Map<String, Object> c : sql.query(QUERIES.get("credits"))) {
            String warehouse = text(c, "warehouse_name");
            Instant hourEnd = instant(c.get("end_time"));
            Instant published = creditsPublishedUpTo.get(warehouse);
            if (hourEnd != null && (published == null || hourEnd.isAfter(published))) {
                out.add(new Sample("warehouse_credits_used_hourly", number(c, "credits_used"),
                        Map.of("warehouse", warehouse), hourEnd));
                creditsPublishedUpTo.put(warehouse, hourEnd);
            }
        }
        return out;
    }

    /**
     * Whether the function returned {@link #RESULT_LIMIT} rows, so its counts are a floor, not the
     * figure: then they are left out and {@code result_limit_reached{function}} = 1 is published.
     */
    private boolean capped(String function, Map<String, Object> row, List<Sample> out) {
        boolean capped = number(row, "total") >= RESULT_LIMIT;
        out.add(Sample.of("result_limit_reached", capped ? 1 : 0, "function", function));
        if (capped && capWarned.add(function)) {
            LOG.warn("Snowflake {} returned its maximum of {} rows for the last 15 minutes: the counts from it are not "
                    + "published (they would be capped). A busier account needs ACCOUNT_USAGE views or a shorter window",
                    function, RESULT_LIMIT);
        } else if (!capped) {
            capWarned.remove(function);
        }
        return capped;
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
