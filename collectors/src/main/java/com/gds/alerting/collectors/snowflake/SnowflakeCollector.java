package com.gds.alerting.collectors.snowflake;

import static com.gds.alerting.collectors.source.Rows.number;
import static com.gds.alerting.collectors.source.Rows.text;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.source.JdbcSession;
import com.gds.alerting.collectors.source.PermissionReport;
import com.gds.alerting.collectors.source.Sample;
import com.gds.alerting.collectors.source.SqlRunner;

/**
 * Snowflake: warehouse load and queued queries, queries and logins (failed ones too) in the last
 * 15 minutes, credits used by warehouses and by serverless features, storage, resource-monitor
 * headroom, and tasks and pipes that fail.
 *
 * <p>Latency is handled by choosing the source: load, queries and logins come from the {@code
 * INFORMATION_SCHEMA} table functions, which have no latency. Their 10,000-row limit is paged
 * through by time windows ({@link HistoryPager}), so the counts are exact. Credits come from {@code
 * ACCOUNT_USAGE} (up to 3 hours late): the whole hours that ended 3 to 6 hours ago, each (series,
 * hour) published once, stamped with the hour's end; storage likewise per whole day. Tasks and pipes
 * come from {@code ACCOUNT_USAGE} views, which have no row limit (up to 45 min / 2 h late). Every
 * query needs a running warehouse, so give Snowflake targets a long interval (5m or more).
 *
 * <p>Grants are checked every cycle: without a privilege on the shared {@code SNOWFLAKE} database
 * nothing but resource monitors can be read; when warehouses that ran in the last 7 days are not
 * visible to the role, account-wide query counts would miss their queries and are not published.
 * {@code collector_permission_ok} names what is missing ({@link PermissionReport}).
 */
public final class SnowflakeCollector implements Collector {

    public static final Set<String> METRICS = Set.of(
            "collector_permission_ok",
            "warehouse_avg_running", "warehouse_avg_queued_load", "warehouse_avg_queued_provisioning",
            "warehouse_avg_blocked", "queries_15m", "failed_queries_15m", "queued_queries", "failed_logins_15m",
            "logins_15m", "warehouse_credits_used_hourly", "result_limit_reached", "serverless_credits_used_hourly",
            "storage_bytes", "resource_monitor_used_ratio", "resource_monitor_remaining_credits",
            "resource_monitor_used_ratio_max", "tasks_failing", "task_failures_24h", "pipes_failing",
            "pipe_failed_files_24h");

    static final int RESULT_LIMIT = HistoryPager.RESULT_LIMIT;

    /** Reads of one history function per cycle at most: 64 pages hold 640,000 rows in 15 minutes. */
    static final int MAX_PAGES = 64;

    static final Duration WINDOW = Duration.ofMinutes(15);

    static final Map<String, String> QUERIES = SnowflakeQueries.QUERIES;

    /** The grant that makes the shared database readable, as {@code collector_permission_ok} names it. */
    static final String IMPORTED_PRIVILEGES = "IMPORTED PRIVILEGES ON DATABASE SNOWFLAKE";
    static final String WAREHOUSE_MONITOR = "MONITOR ON WAREHOUSE";

    private static final Logger LOG = LoggerFactory.getLogger(SnowflakeCollector.class);

    private final JdbcSession session;
    private final PermissionReport permissions;
    private final HistoryPager pager = new HistoryPager(MAX_PAGES);
    private final OncePerPeriod periods = new OncePerPeriod();
    private final Set<String> pagingWarned = new HashSet<>();

    /** @param target how the target is named in the log (its instance id) */
    public SnowflakeCollector(JdbcSession session, String target) {
        this.session = session;
        this.permissions = new PermissionReport(target, SnowflakeCollector.class);
    }

    @Override
    public List<Sample> collect() throws SQLException {
        return collect(session);
    }

    List<Sample> collect(SqlRunner sql) throws SQLException {
        List<Sample> out = new ArrayList<>();
        Map<String, Object> context = sql.query(QUERIES.get("context")).get(0);
        long now = (long) number(context, "now_ms");

        boolean shared = sql.query(QUERIES.get("snowflake_database")).stream()
                .anyMatch(d -> "SNOWFLAKE".equalsIgnoreCase(text(d, "name")));
        Set<String> hidden = shared ? hiddenWarehouses(sql) : Set.of();
        permissions.report(text(context, "role"), missing(shared, hidden), out);

        resourceMonitors(sql.query(QUERIES.get("resource_monitors")), out);
        if (!shared) {
            return out;
        }
        for (Map<String, Object> w : sql.query(QUERIES.get("warehouse_load"))) {
            String wh = text(w, "warehouse_name");
            out.add(Sample.of("warehouse_avg_running", number(w, "avg_running"), "warehouse", wh));
            out.add(Sample.of("warehouse_avg_queued_load", number(w, "avg_queued_load"), "warehouse", wh));
            out.add(Sample.of("warehouse_avg_queued_provisioning", number(w, "avg_queued_provisioning"), "warehouse", wh));
            out.add(Sample.of("warehouse_avg_blocked", number(w, "avg_blocked"), "warehouse", wh));
        }
        if (hidden.isEmpty()) {
            queries(sql, now, out);
        }
        logins(sql, now, out);
        hourly(sql.query(QUERIES.get("credits")), "warehouse_name", "warehouse_credits_used_hourly", "warehouse", out);
        hourly(sql.query(QUERIES.get("serverless_credits")), "service_type", "serverless_credits_used_hourly",
                "service_type", out);
        storage(sql.query(QUERIES.get("storage")), out);
        failing(sql.query(QUERIES.get("tasks_failing")), "task", "failures_24h", "tasks_failing", "task_failures_24h", out);
        failing(sql.query(QUERIES.get("pipes_failing")), "pipe", "failed_files", "pipes_failing", "pipe_failed_files_24h",
                out);
        return out;
    }

    /** Warehouses that ran in the last 7 days (ACCOUNT_USAGE) that SHOW WAREHOUSES does not list for this role. */
    private static Set<String> hiddenWarehouses(SqlRunner sql) throws SQLException {
        Set<String> visible = new HashSet<>();
        sql.query(QUERIES.get("warehouses_visible")).forEach(w -> visible.add(upper(text(w, "name"))));
        Set<String> hidden = new TreeSet<>();
        for (Map<String, Object> m : sql.query(QUERIES.get("warehouses_metered"))) {
            String name = upper(text(m, "warehouse_name"));
            if (name != null && !visible.contains(name)) {
                hidden.add(name);
            }
        }
        return hidden;
    }

    private static List<PermissionReport.Missing> missing(boolean shared, Set<String> hidden) {
        List<PermissionReport.Missing> missing = new ArrayList<>();
        if (!shared) {
            missing.add(new PermissionReport.Missing(IMPORTED_PRIVILEGES, "every figure but resource monitors is",
                    "GRANT IMPORTED PRIVILEGES ON DATABASE SNOWFLAKE TO ROLE <role>"));
        }
        if (!hidden.isEmpty()) {
            missing.add(new PermissionReport.Missing(WAREHOUSE_MONITOR, "(the role cannot see warehouses " + hidden
                    + ", so their queries are left out of the history) queries_15m, failed_queries_15m and queued_queries are",
                    "GRANT MONITOR ON WAREHOUSE <each of them> TO ROLE <role>"));
        }
        return missing;
    }

    private void queries(SqlRunner sql, long now, List<Sample> out) throws SQLException {
        Optional<Map<String, Double>> counts = paged(sql, "query_history", SnowflakeQueries::queryHistoryPage, now, out);
        counts.ifPresent(c -> {
            out.add(Sample.of("queries_15m", c.get("total")));
            out.add(Sample.of("failed_queries_15m", c.get("failed")));
        });
        Map<String, Object> executing = sql.query(QUERIES.get("queries_executing")).get(0);
        if (number(executing, "executing") < RESULT_LIMIT) {
            out.add(Sample.of("queued_queries", number(executing, "queued")));
        }
    }

    private void logins(SqlRunner sql, long now, List<Sample> out) throws SQLException {
        paged(sql, "login_history", SnowflakeQueries::loginHistoryPage, now, out).ifPresent(c -> {
            out.add(Sample.of("logins_15m", c.get("total")));
            out.add(Sample.of("failed_logins_15m", c.get("failed")));
        });
    }

    /**
     * The exact counts of the last 15 minutes, or empty when paging gave up; {@code
     * result_limit_reached{function}} says which (1 = not published: the history was too dense to page).
     */
    private Optional<Map<String, Double>> paged(SqlRunner sql, String function, HistoryPager.PageSql page, long now,
                                                List<Sample> out) throws SQLException {
        Optional<Map<String, Double>> counts = pager.count(sql, page, now - WINDOW.toMillis(), now, List.of("total", "failed"));
        out.add(Sample.of("result_limit_reached", counts.isPresent() ? 0 : 1, "function", function));
        if (counts.isEmpty() && pagingWarned.add(function)) {
            LOG.warn("Snowflake {}: more than {} pages of {} rows in the last 15 minutes; its counts are not published "
                    + "(they would be a floor)", function, MAX_PAGES, RESULT_LIMIT);
        } else if (counts.isPresent()) {
            pagingWarned.remove(function);
        }
        return counts;
    }

    private void hourly(List<Map<String, Object>> rows, String keyColumn, String metric, String tag, List<Sample> out) {
        for (Map<String, Object> c : rows) {
            String key = text(c, keyColumn);
            Instant hourEnd = instant(c.get("end_time"));
            if (periods.first(metric + "/" + key, hourEnd)) {
                out.add(new Sample(metric, number(c, "credits_used"), Map.of(tag, key), hourEnd));
            }
        }
    }

    /** Average bytes of each whole day, stamped with the day's end (UTC), published once per day. */
    private void storage(List<Map<String, Object>> rows, List<Sample> out) {
        for (Map<String, Object> s : rows) {
            Instant dayEnd = day(s.get("usage_date")).plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            if (periods.first("storage_bytes", dayEnd)) {
                for (String kind : List.of("storage", "stage", "failsafe")) {
                    out.add(new Sample("storage_bytes", number(s, kind + "_bytes"), Map.of("kind", kind), dayEnd));
                }
            }
        }
    }

    /** Used share of each monitor's quota, and the fullest (what a rule watches; one series per instance). */
    private static void resourceMonitors(List<Map<String, Object>> rows, List<Sample> out) {
        double max = Double.NaN;
        String fullest = null;
        for (Map<String, Object> m : rows) {
            String name = text(m, "name");
            double quota = number(m, "credit_quota");
            if (!(quota > 0)) {
                continue;
            }
            double ratio = number(m, "used_credits") / quota;
            out.add(Sample.of("resource_monitor_used_ratio", ratio, "monitor", name));
            out.add(Sample.of("resource_monitor_remaining_credits", number(m, "remaining_credits"), "monitor", name));
            if (fullest == null || ratio > max) {
                max = ratio;
                fullest = name;
            }
        }
        if (fullest != null) {
            out.add(Sample.of("resource_monitor_used_ratio_max", max, "monitor", fullest));
        }
    }

    /** A count of failing things (the first 5 named in a tag) and each one's failures, from a bounded answer. */
    private static void failing(List<Map<String, Object>> rows, String nameColumn, String failuresColumn, String countMetric,
                                String perItemMetric, List<Sample> out) {
        List<String> names = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            String name = text(r, nameColumn);
            names.add(name);
            out.add(Sample.of(perItemMetric, number(r, failuresColumn), nameColumn, name));
        }
        double failing = rows.isEmpty() ? 0 : number(rows.get(0), "failing");
        out.add(names.isEmpty() ? Sample.of(countMetric, 0)
                : Sample.of(countMetric, failing, nameColumn + "s", String.join(",", names.subList(0, Math.min(5, names.size())))));
    }

    private static String upper(String s) {
        return s == null ? null : s.toUpperCase(Locale.ROOT);
    }

    private static LocalDate day(Object v) {
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof LocalDate d) {
            return d;
        }
        return LocalDate.parse(v.toString().substring(0, 10));
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
