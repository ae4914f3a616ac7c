package com.gds.alerting.collectors.snowflake;

import static com.gds.alerting.collectors.source.Rows.number;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.gds.alerting.collectors.source.SqlRunner;

/**
 * Exact counts from a history table function that returns at most {@value #RESULT_LIMIT} rows
 * (QUERY_HISTORY, LOGIN_HISTORY): the window is read as one page; a page that came back full may
 * have been cut (the function then keeps the most recent rows), so it is split in two halves and
 * each is read again, until every page holds fewer rows than the limit. The counts are the sums over
 * those pages. Each page's SQL counts only rows in {@code [start, end)} ({@code filtered}
 * columns), whatever the function does at the bounds, so a row on a split point is counted once.
 *
 * <p>Bounded: at most {@link #maxPages} reads per window; past that (or a page of a single
 * millisecond still full) the counts are incomplete and {@link #count} returns empty rather than a floor.
 */
final class HistoryPager {

    /** The table functions' largest RESULT_LIMIT. */
    static final int RESULT_LIMIT = 10_000;

    /** The SQL of one page, from its bounds in epoch milliseconds. */
    @FunctionalInterface
    interface PageSql {
        String of(long startMs, long endMs);
    }

    private final int maxPages;

    HistoryPager(int maxPages) {
        this.maxPages = maxPages;
    }

    /**
     * @param columns the page's count columns to sum (besides {@code returned}, the rows the function gave)
     * @return the sums over {@code [startMs, endMs)}, or empty when the budget of pages ran out
     */
    Optional<Map<String, Double>> count(SqlRunner sql, PageSql page, long startMs, long endMs, List<String> columns)
            throws SQLException {
        Map<String, Double> sums = new LinkedHashMap<>();
        columns.forEach(c -> sums.put(c, 0.0));
        Deque<long[]> windows = new ArrayDeque<>();
        windows.push(new long[] {startMs, endMs});
        int pages = 0;
        while (!windows.isEmpty()) {
            long[] w = windows.pop();
            if (pages++ == maxPages) {
                return Optional.empty();
            }
            Map<String, Object> row = sql.query(page.of(w[0], w[1])).get(0);
            if (number(row, "returned") < RESULT_LIMIT) {
                columns.forEach(c -> sums.merge(c, number(row, c), Double::sum));
            } else if (w[1] - w[0] <= 1) {
                return Optional.empty();
            } else {
                long middle = w[0] + (w[1] - w[0]) / 2;
                windows.push(new long[] {middle, w[1]});
                windows.push(new long[] {w[0], middle});
            }
        }
        return Optional.of(sums);
    }
}
