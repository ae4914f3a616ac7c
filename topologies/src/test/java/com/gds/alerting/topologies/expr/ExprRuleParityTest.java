package com.gds.alerting.topologies.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.ExprLevel;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.topologies.AlertingFixture;
import com.gds.alerting.topologies.TestRules;

/**
 * The same series through Prometheus' {@code promtool test rules} (an alerting rule with the same
 * expression and {@code for}) and through the whole topology (an EXPR rule, on
 * {@code TopologyTestDriver}): at every evaluation step the two must have the same alerts firing —
 * per result series, by its labels. Samples are one a minute at Prometheus' evaluation times (the
 * evaluation interval), which is where the two definitions of an evaluation meet (topologies/README.md,
 * "Expression rules", differences).
 */
class ExprRuleParityTest {

    private static final Instant T0 = AlertingFixture.T0;
    private static final int MINUTES = 40;
    private static final Map<String, String> INSTANCE = Map.of("instance_id", "pg-prod-01", "database_type", "postgresql",
            "environment", "prod");
    private static Promtool promtool;

    @TempDir
    Path dir;

    @BeforeAll
    static void install() throws Exception {
        promtool = Promtool.ensureInstalled();
    }

    /**
     * One series: metric, tags besides the instance's, a value per minute (null: no sample); {@code epochSeconds}:
     * the values are times (seconds since the epoch), which promtool's clock, starting at 0, reads relative to T0.
     */
    record In(String metric, Map<String, String> tags, Double[] values, boolean epochSeconds) {
        In(String metric, Map<String, String> tags, Double[] values) {
            this(metric, tags, values, false);
        }
    }

    static Double[] counter(long seed, int resetAt, double maxStep) {
        Random random = new Random(seed);
        Double[] v = new Double[MINUTES + 1];
        double c = 1000;
        for (int m = 0; m <= MINUTES; m++) {
            c = m == resetAt ? random.nextInt(20) : c + random.nextInt((int) maxStep + 1);
            v[m] = c;
        }
        return v;
    }

    static Double[] gauge(long seed, int low, int high) {
        Random random = new Random(seed);
        Double[] v = new Double[MINUTES + 1];
        for (int m = 0; m <= MINUTES; m++) {
            v[m] = (double) (low + random.nextInt(high - low + 1));
        }
        return v;
    }

    static Double[] constant(double value) {
        Double[] v = new Double[MINUTES + 1];
        java.util.Arrays.fill(v, value);
        return v;
    }

    static Double[] until(Double[] values, int lastMinute) {
        Double[] v = values.clone();
        for (int m = lastMinute + 1; m < v.length; m++) {
            v[m] = null;
        }
        return v;
    }

    static Stream<Arguments> cases() {
        Double[] start = constant(T0.minus(Duration.ofDays(2)).getEpochSecond());
        for (int m = 17; m <= MINUTES; m++) {
            start[m] = (double) T0.plus(Duration.ofMinutes(17)).getEpochSecond() - 20;
        }
        return Stream.of(
                Arguments.of("rollback ratio of two counters' rates, with a reset",
                        "rate(xact_rollback_total[5m]) / (rate(xact_commit_total[5m]) + rate(xact_rollback_total[5m])) > 0.1",
                        Duration.ofMinutes(2), List.of(
                                new In("xact_commit_total", Map.of(), counter(1, 20, 40)),
                                new In("xact_rollback_total", Map.of(), counter(2, 30, 8)))),
                Arguments.of("a gauge against another gauge",
                        "connections_used > connections_max * 0.8", Duration.ZERO, List.of(
                                new In("connections_used", Map.of(), gauge(3, 60, 100)),
                                new In("connections_max", Map.of(), constant(100)))),
                Arguments.of("restarted: time() minus the start time",
                        "time() - start_time_seconds < 300", Duration.ZERO, List.of(new In("start_time_seconds", Map.of(), start, true))),
                Arguments.of("one alert per table, one table dropped at 12m",
                        "n_dead_tup / (n_live_tup + n_dead_tup) > 0.2", Duration.ofMinutes(1), List.of(
                                new In("n_dead_tup", Map.of("table", "orders"), gauge(4, 0, 40)),
                                new In("n_live_tup", Map.of("table", "orders"), gauge(5, 80, 120)),
                                new In("n_dead_tup", Map.of("table", "users"), until(gauge(6, 20, 60), 12)),
                                new In("n_live_tup", Map.of("table", "users"), until(gauge(7, 80, 120), 12)))),
                Arguments.of("sum by table of rates, a counter reset in one table",
                        "sum by (table) (rate(seq_scan_total[3m])) * 60 > 25", Duration.ofMinutes(1), List.of(
                                new In("seq_scan_total", Map.of("table", "orders", "index", "a"), counter(8, 15, 30)),
                                new In("seq_scan_total", Map.of("table", "orders", "index", "b"), counter(9, 25, 10)),
                                new In("seq_scan_total", Map.of("table", "users", "index", "a"), counter(10, 33, 40)))),
                Arguments.of("disk full in an hour by predict_linear",
                        "predict_linear(disk_used_bytes[10m], 3600) > on(instance_id) disk_size_bytes", Duration.ZERO, List.of(
                                new In("disk_used_bytes", Map.of(), counter(11, -1, 100)),
                                new In("disk_size_bytes", Map.of(), constant(4000)))),
                Arguments.of("increase and a filter on a label",
                        "increase(deadlocks_total{database!~\"tmp.*\"}[5m]) >= 3", Duration.ZERO, List.of(
                                new In("deadlocks_total", Map.of("database", "orders"), counter(12, 22, 2)),
                                new In("deadlocks_total", Map.of("database", "tmp1"), counter(13, -1, 3)))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void firesAtTheSameStepsAsPrometheus(String reason, String expression, Duration forDuration, List<In> series)
            throws Exception {
        Map<Long, TreeSet<String>> prometheus = prometheus(expression, forDuration, series);
        Map<Long, TreeSet<String>> ours = topology(expression, forDuration, series);
        int firingSteps = 0;
        StringBuilder diff = new StringBuilder();
        for (int m = 0; m < MINUTES; m++) {
            long at = m * 60_000L;
            TreeSet<String> p = prometheus.getOrDefault(at, new TreeSet<>());
            TreeSet<String> o = ours.getOrDefault(at, new TreeSet<>());
            if (!p.isEmpty()) {
                firingSteps++;
            }
            if (!p.equals(o)) {
                diff.append("  ").append(m).append("m: promtool ").append(p).append(", topology ").append(o).append('\n');
            }
        }
        assertEquals("", diff.toString(), reason + ": firing alerts differ at these steps");
        assertTrue(firingSteps > 0 && firingSteps < MINUTES, reason + ": the case must fire at some steps and not at others ("
                + firingSteps + " of " + MINUTES + ")");
    }

    /** Per step (ms from the start), each firing alert's series as {@code label=value,...} besides the instance's labels. */
    private Map<Long, TreeSet<String>> prometheus(String expression, Duration forDuration, List<In> series) throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: parity\n    rules:\n      - alert: Parity\n")
                .append("        expr: ").append(Promtool.goQuote(expression)).append('\n')
                .append("        for: ").append(Promtool.formatDuration(forDuration.toMillis())).append('\n');
        StringBuilder test = new StringBuilder("rule_files: [rules.yaml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n"
                + "    input_series:\n");
        for (In in : series) {
            Map<String, String> labels = new TreeMap<>(INSTANCE);
            labels.putAll(in.tags());
            StringBuilder values = new StringBuilder();
            for (int m = 0; m <= MINUTES; m++) {
                Double v = in.values()[m];
                long shift = in.epochSeconds() ? T0.getEpochSecond() : 0;
                values.append(m == 0 ? "" : " ").append(v == null ? "_" : String.valueOf(v.longValue() - shift));
            }
            test.append("      - series: '").append(in.metric()).append(Labels.of(labels).toString().replace(", ", ","))
                    .append("'\n        values: '").append(values).append("'\n");
        }
        test.append("    alert_rule_test:\n");
        for (int m = 0; m < MINUTES; m++) {
            test.append("      - eval_time: ").append(m).append("m\n        alertname: Parity\n        exp_alerts: []\n");
        }
        Files.writeString(dir.resolve("rules.yaml"), rules);
        Path file = dir.resolve("test.yaml");
        Files.writeString(file, test);
        Map<Long, TreeSet<String>> out = new HashMap<>();
        promtool.firingAlerts(file).forEach((at, alerts) -> {
            TreeSet<String> ids = new TreeSet<>();
            for (Map<String, String> labels : alerts) {
                Map<String, String> tags = new TreeMap<>(labels);
                tags.keySet().removeAll(List.of("alertname", "instance_id", "database_type", "environment"));
                ids.add(tags.toString());
            }
            out.put(at, ids);
        });
        return out;
    }

    private Map<Long, TreeSet<String>> topology(String expression, Duration forDuration, List<In> series) {
        try (AlertingFixture fx = new AlertingFixture(T0.plus(Duration.ofHours(2)))) {
            fx.rule(TestRules.exprLevels("parity", new ExprLevel(Severity.WARNING, expression, null))
                    .setForMs(forDuration.toMillis()).build());
            // One more instant than compared: the last compared one is then closed even where a series stopped.
            for (int m = 0; m <= MINUTES; m++) {
                for (In in : series) {
                    Double v = in.values()[m];
                    if (v != null) {
                        Map<String, String> tags = new LinkedHashMap<>(in.tags());
                        tags.put("environment", "prod");
                        fx.sample("pg-prod-01", in.metric(), v, T0.plus(Duration.ofMinutes(m)), tags);
                    }
                }
            }
            Map<String, Long> firedAt = new HashMap<>();
            List<long[]> intervals = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (AlertEvent e : fx.events()) {
                long at = e.getUpdatedAt().toEpochMilli() - T0.toEpochMilli();
                if (e.getTransition() == Transition.FIRED) {
                    firedAt.put(e.getAlertKey(), at);
                } else if (e.getTransition() == Transition.RESOLVED && firedAt.containsKey(e.getAlertKey())) {
                    intervals.add(new long[] {firedAt.remove(e.getAlertKey()), at});
                    keys.add(e.getAlertKey());
                }
            }
            firedAt.forEach((key, at) -> {
                intervals.add(new long[] {at, Long.MAX_VALUE});
                keys.add(key);
            });
            Map<Long, TreeSet<String>> out = new HashMap<>();
            for (int i = 0; i < intervals.size(); i++) {
                Map<String, String> tags = new TreeMap<>(AlertKeys.parse(keys.get(i)).series());
                for (int m = 0; m < MINUTES; m++) {
                    long at = m * 60_000L;
                    if (at >= intervals.get(i)[0] && at < intervals.get(i)[1]) {
                        out.computeIfAbsent(at, k -> new TreeSet<>()).add(tags.toString());
                    }
                }
            }
            return out;
        }
    }
}
