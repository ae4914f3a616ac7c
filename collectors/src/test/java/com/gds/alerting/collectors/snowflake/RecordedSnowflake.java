package com.gds.alerting.collectors.snowflake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.gds.alerting.collectors.RecordedAnswers;
import com.gds.alerting.collectors.source.SqlRunner;

/**
 * A recorded Snowflake account: the fixed queries answer with the rows recorded under their names;
 * the QUERY_HISTORY and LOGIN_HISTORY pages are answered from the recorded history rows ({@code
 * query_history_runs} / {@code login_history_runs}: runs of rows spread evenly over a time span)
 * the way the table functions are documented to: rows in the range (both bounds included here, the
 * worst case for counting a row twice), the most recent {@value HistoryPager#RESULT_LIMIT} when more
 * match. Counts every page read.
 */
final class RecordedSnowflake implements SqlRunner {

    private static final Pattern QUERY_PAGE = Pattern.compile(
            "QUERY_HISTORY\\(\\s*END_TIME_RANGE_START => TO_TIMESTAMP_LTZ\\((\\d+), 3\\), END_TIME_RANGE_END => TO_TIMESTAMP_LTZ\\((\\d+), 3\\)");
    private static final Pattern LOGIN_PAGE = Pattern.compile(
            "LOGIN_HISTORY\\(\\s*TIME_RANGE_START => TO_TIMESTAMP_LTZ\\((\\d+), 3\\), TIME_RANGE_END => TO_TIMESTAMP_LTZ\\((\\d+), 3\\)");

    private record Row(long timeMs, boolean failed) {
    }

    private final SqlRunner fixed;
    private final List<Row> queries;
    private final List<Row> logins;
    final List<String> asked = new ArrayList<>();
    int pages;

    RecordedSnowflake(String file) {
        fixed = RecordedAnswers.sql(file, SnowflakeCollector.QUERIES);
        Map<String, List<Map<String, Object>>> all;
        try {
            all = new ObjectMapper().readValue(RecordedAnswers.text(file), new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        queries = expand(all.getOrDefault("query_history_runs", List.of()), r -> r.get("execution_status").toString().startsWith("FAILED"));
        logins = expand(all.getOrDefault("login_history_runs", List.of()), r -> "NO".equals(r.get("is_success")));
    }

    /** How many history rows lie in {@code [startMs, endMs)}: the truth to compare with. */
    long queriesIn(long startMs, long endMs) {
        return queries.stream().filter(r -> r.timeMs >= startMs && r.timeMs < endMs).count();
    }

    void addQueries(long atMs, int count) {
        for (int i = 0; i < count; i++) {
            queries.add(new Row(atMs, false));
        }
    }

    private static List<Row> expand(List<Map<String, Object>> runs, Predicate<Map<String, Object>> failed) {
        List<Row> rows = new ArrayList<>();
        for (Map<String, Object> run : runs) {
            long from = Instant.parse(run.get("from").toString()).toEpochMilli();
            long to = Instant.parse(run.get("to").toString()).toEpochMilli();
            int n = ((Number) run.get("rows")).intValue();
            for (int i = 0; i < n; i++) {
                rows.add(new Row(from + (to - from) * i / n, failed.test(run)));
            }
        }
        return rows;
    }

    @Override
    public List<Map<String, Object>> query(String sql) throws java.sql.SQLException {
        Matcher q = QUERY_PAGE.matcher(sql);
        Matcher l = LOGIN_PAGE.matcher(sql);
        if (q.find()) {
            asked.add("query_history_page");
            return page(queries, Long.parseLong(q.group(1)), Long.parseLong(q.group(2)));
        }
        if (l.find()) {
            asked.add("login_history_page");
            return page(logins, Long.parseLong(l.group(1)), Long.parseLong(l.group(2)));
        }
        asked.add(SnowflakeCollector.QUERIES.entrySet().stream().filter(e -> e.getValue().equals(sql))
                .map(Map.Entry::getKey).findFirst().orElse(sql));
        return fixed.query(sql);
    }

    /** What the page's SQL computes over what the function returns. */
    private List<Map<String, Object>> page(List<Row> history, long start, long end) {
        pages++;
        List<Row> returned = history.stream().filter(r -> r.timeMs >= start && r.timeMs <= end)
                .sorted(Comparator.comparingLong(Row::timeMs).reversed()).limit(HistoryPager.RESULT_LIMIT).toList();
        List<Row> in = returned.stream().filter(r -> r.timeMs >= start && r.timeMs < end).toList();
        return List.of(Map.of("returned", returned.size(), "total", in.size(), "failed", in.stream().filter(Row::failed).count()));
    }
}
