package com.gds.alerting.benchmarks;

import com.gds.alerting.topologies.expr.Evaluator;
import com.gds.alerting.topologies.expr.Expr;
import com.gds.alerting.topologies.expr.ExprParser;
import com.gds.alerting.topologies.expr.InMemorySeriesStore;
import com.gds.alerting.topologies.expr.LabelMatcher;
import com.gds.alerting.topologies.expr.Labels;
import com.gds.alerting.topologies.expr.StateRequirements;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The cost of evaluating one expression at one step for one instance (the unit the topology will
 * run per collection instant), over {@link InMemorySeriesStore} holding exactly the window the
 * expression needs, plus the state that window is (per distinct selector: the series it matches
 * and their samples within its window). One thread, no Kafka: the evaluator alone, over a store
 * that scans all of the instance's 89 series per selector — an upper bound for an indexed store.
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.ExprEvaluationBenchmark [steps]
 * </pre>
 */
public final class ExprEvaluationBenchmark {

    private static final long INTERVAL_MS = 15_000;

    /** Typical alerting expressions over one PostgreSQL instance with 20 tables. */
    static final List<String> EXPRESSIONS = List.of(
            "connections_used > 0.8 * max_connections",
            "rate(xact_rollback[5m]) / (rate(xact_commit[5m]) + rate(xact_rollback[5m])) > 0.05",
            "time() - start_time_seconds < 60",
            "n_dead_tup / on(instance_id, table) (n_live_tup + n_dead_tup) > 0.2",
            "sum by (instance_id) (increase(seq_scan[10m])) > 1000",
            "predict_linear(disk_used_bytes[1h], 4 * 3600) > disk_size_bytes",
            "max_over_time(replication_lag_seconds[5m]) > 30 and on(instance_id) up == 1",
            "topk(3, rate(n_tup_upd[5m]))");

    private ExprEvaluationBenchmark() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        System.out.printf("%-90s %10s %14s %14s%n", "expression", "µs/step", "series", "samples kept");
        for (String text : EXPRESSIONS) {
            Expr expr = ExprParser.parse(text);
            long retention = StateRequirements.maxRetentionMs(expr, Evaluator.DEFAULT_LOOKBACK_MS);
            InMemorySeriesStore store = store(new Random(7), 2 * 3_600_000L);
            Evaluator evaluator = new Evaluator(store);
            long end = 2 * 3_600_000L;
            store.evictBefore(end - retention);
            long warm = 0;
            for (int i = 0; i < steps / 4; i++) {
                warm += size(evaluator, expr, end);
            }
            long started = System.nanoTime();
            long results = 0;
            for (int i = 0; i < steps; i++) {
                results += size(evaluator, expr, end);
            }
            double micros = (System.nanoTime() - started) / 1000.0 / steps;
            // The state this (rule, instance) needs: per distinct selector, the matched series' samples in its window.
            long series = 0;
            long samples = 0;
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (StateRequirements.Need need : StateRequirements.of(expr, Evaluator.DEFAULT_LOOKBACK_MS)) {
                if (!seen.add(need.metricName() + need.matchers() + need.retentionMs())) {
                    continue;
                }
                List<LabelMatcher> matchers = new java.util.ArrayList<>(need.matchers());
                matchers.add(new LabelMatcher(Labels.METRIC_NAME, LabelMatcher.Op.EQUAL, need.metricName()));
                for (var s : store.select(matchers, end - need.retentionMs(), end)) {
                    series++;
                    samples += s.size();
                }
            }
            System.out.printf(Locale.ROOT, "%-90s %10.1f %14d %14d%n", text, micros, series, samples);
            if (results + warm < 0) {
                System.out.println("unreachable; keeps the results alive");
            }
        }
    }

    private static int size(Evaluator evaluator, Expr expr, long t) {
        var v = evaluator.evaluate(expr, t);
        return v instanceof com.gds.alerting.topologies.expr.Value.InstantVector iv ? iv.samples().size() : 1;
    }

    /** Every metric the expressions use, for one instance: per-table metrics for 20 tables, every 15 s. */
    private static InMemorySeriesStore store(Random random, long durationMs) {
        InMemorySeriesStore store = new InMemorySeriesStore();
        List<String> instanceMetrics = List.of("connections_used", "max_connections", "xact_rollback", "xact_commit",
                "start_time_seconds", "disk_used_bytes", "disk_size_bytes", "replication_lag_seconds", "up");
        List<String> tableMetrics = List.of("n_dead_tup", "n_live_tup", "seq_scan", "n_tup_upd");
        for (long t = 0; t <= durationMs; t += INTERVAL_MS) {
            for (String m : instanceMetrics) {
                store.add(Labels.of("__name__", m, "instance_id", "pg-1", "database_type", "postgresql",
                        "environment", "prod"), t, value(m, t, random));
            }
            for (int table = 0; table < 20; table++) {
                for (String m : tableMetrics) {
                    store.add(Labels.of("__name__", m, "instance_id", "pg-1", "database_type", "postgresql",
                            "environment", "prod", "table", "t" + table), t, value(m, t, random));
                }
            }
        }
        return store;
    }

    private static double value(String metric, long t, Random random) {
        return switch (metric) {
            case "max_connections" -> 100;
            case "start_time_seconds" -> 0;
            case "up" -> 1;
            case "disk_size_bytes" -> 1e12;
            default -> t / 1000.0 * (1 + random.nextInt(5));
        };
    }
}
