package com.gds.alerting.topologies.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gds.alerting.topologies.expr.Value.InstantVector;
import com.gds.alerting.topologies.expr.Value.Sample;
import com.gds.alerting.topologies.expr.Value.Scalar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The expression language against Prometheus itself: seeded random expressions over seeded
 * random series, each evaluated at 30 instants by our {@link Evaluator} and by
 * {@code promtool test rules} (Prometheus 2.42, installed by scripts/ensure-prometheus.sh; never
 * skipped). Our results are written as each {@code promql_expr_test}'s expected samples, so
 * promtool passes exactly the cases where Prometheus computes the same labels and the same
 * bit-for-bit values, and prints its own result for every other case, which this test then
 * classifies. The only difference tolerated is in the last bits of a float (≤ 1e-9 relative),
 * from Go's and Java's pow or a different order of a float sum; anything else fails the build
 * with the expressions that differ.
 */
class ExprDifferentialTest {

    static final long SEED = Long.getLong("expr.diff.seed", 20261207L);
    static final int BATCHES = Integer.getInteger("expr.diff.batches", 20);
    static final int EXPRESSIONS_PER_BATCH = Integer.getInteger("expr.diff.expressions", 100);
    static final int STEPS = 30;
    static final long SERIES_LENGTH_MS = 45 * 60_000L;
    static final double RELATIVE_TOLERANCE = 1e-9;

    enum Outcome {
        /** promtool computed exactly our labels and bit-identical values. */
        EXACT,
        /**
         * Identical, with NaN among the values: promtool compares expectations with
         * reflect.DeepEqual, for which NaN never equals NaN, so it reports these and we compare.
         */
        EXACT_WITH_NAN,
        /** Same labels; some value differs in its last bits (≤ 1e-9 relative). */
        CLOSE,
        /** Both refuse the query (many-to-many matching, duplicate label sets, parse errors). */
        BOTH_ERROR,
        /**
         * topk/bottomk among equal values kept different series: Prometheus keeps whichever its
         * storage returns first, and promtool loads series from a Go map, so that order is
         * random run to run; ours is label order. Same values, other labels.
         */
        TIE_ORDER,
        DIFFERENT
    }

    /** Our side of one case: the samples (label text → value), or an error. */
    record Ours(Map<String, Double> samples, String error) {
    }

    @Test
    void agreesWithPromtoolOnRandomExpressions() throws Exception {
        Promtool promtool = Promtool.ensureInstalled();
        Path dir = Files.createDirectories(Path.of("target", "expr-differential"));
        Map<Outcome, Integer> counts = new TreeMap<>();
        Set<String> expressions = new LinkedHashSet<>();
        List<String> differences = new ArrayList<>();
        List<String> closeExamples = new ArrayList<>();
        int parseRejected = 0;
        long evaluationNanos = 0;
        for (int batch = 0; batch < BATCHES; batch++) {
            Random random = new Random(SEED + batch);
            long interval = new long[] {15_000, 30_000, 60_000}[random.nextInt(3)];
            RandomSeries series = new RandomSeries(random, interval, (int) (SERIES_LENGTH_MS / interval));
            Evaluator evaluator = new Evaluator(series.store());
            RandomExpressions generator = new RandomExpressions(random);
            Set<String> batchExpressions = new LinkedHashSet<>();
            while (batchExpressions.size() < EXPRESSIONS_PER_BATCH) {
                batchExpressions.add(generator.next());
            }
            // promtool loads input samples only up to its last rule-evaluation step at or before
            // the largest eval_time: with the evaluation interval equal to the series' interval,
            // that step is the last sample at or before it, so no case misses a sample.
            StringBuilder yaml = new StringBuilder("evaluation_interval: ").append(Promtool.formatDuration(interval))
                    .append("\ntests:\n  - interval: ").append(Promtool.formatDuration(interval)).append('\n').append(series.inputSeriesYaml())
                    .append("    promql_expr_test:\n");
            Map<String, Ours> ours = new HashMap<>();
            for (String text : batchExpressions) {
                expressions.add(text);
                Expr expr = null;
                String parseError = null;
                try {
                    expr = ExprParser.parse(text);
                } catch (ExprSyntaxException e) {
                    parseError = "parse: " + e.getMessage();
                    parseRejected++;
                }
                for (int step = 0; step < STEPS; step++) {
                    long t = 60_000L + step * 60_000L + new long[] {0, 0, 15_000, 20_000, 1_000}[random.nextInt(5)];
                    long started = System.nanoTime();
                    Ours result = parseError != null ? new Ours(null, parseError) : evaluate(evaluator, expr, t);
                    evaluationNanos += System.nanoTime() - started;
                    String key = Promtool.goQuote(text) + " @" + t;
                    if (ours.containsKey(key)) {
                        continue;
                    }
                    ours.put(key, result);
                    appendCase(yaml, text, t, result);
                }
            }
            Path file = dir.resolve("batch-" + batch + ".yml");
            Promtool.write(file, yaml.toString());
            Map<String, Promtool.Verdict> failed = promtool.test(file);
            for (var e : ours.entrySet()) {
                Promtool.Verdict verdict = failed.get(e.getKey());
                Outcome outcome = verdict == null ? Outcome.EXACT : compare(e.getKey(), e.getValue(), verdict);
                if (outcome == Outcome.CLOSE && closeExamples.size() < 30) {
                    closeExamples.add(e.getKey());
                }
                counts.merge(outcome, 1, Integer::sum);
                if (outcome == Outcome.DIFFERENT) {
                    differences.add("batch " + batch + " " + e.getKey() + "\n    ours: "
                            + (e.getValue().error() != null ? e.getValue().error() : e.getValue().samples())
                            + "\n    promtool: " + (verdict.error() != null ? verdict.error() : verdict.got()));
                }
            }
        }
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        String report = expressions.size() + " random expressions x " + STEPS + " steps = " + total + " cases: " + counts
                + " (our parser rejected " + parseRejected + " expressions); our evaluator: "
                + String.format("%.1f", evaluationNanos / 1000.0 / total) + " µs per case (informative, not asserted)\n" + String.join("\n", differences)
                + "\nCLOSE examples:\n" + String.join("\n", closeExamples);
        Files.writeString(dir.resolve("report.txt"), report);
        System.out.println("[expr differential] " + report.lines().findFirst().orElse(""));
        differences.stream().limit(40).forEach(System.out::println);
        assertEquals(BATCHES * EXPRESSIONS_PER_BATCH * STEPS, total, "every case was compared");
        assertTrue(differences.isEmpty(), differences.size() + " cases differ from promtool; first: "
                + differences.stream().limit(10).toList());
    }

    private static Ours evaluate(Evaluator evaluator, Expr expr, long t) {
        try {
            Value v = evaluator.evaluate(expr, t);
            Map<String, Double> samples = new TreeMap<>();
            if (v instanceof Scalar s) {
                samples.put("{}", s.value());
            } else {
                for (Sample s : ((InstantVector) v).samples()) {
                    samples.put(s.labels().toString(), s.value());
                }
            }
            return new Ours(samples, null);
        } catch (ExprEvaluationException e) {
            return new Ours(null, e.getMessage());
        }
    }

    private static void appendCase(StringBuilder yaml, String expr, long t, Ours result) {
        yaml.append("      - expr: '").append(expr).append("'\n");
        yaml.append("        eval_time: ").append(Promtool.formatDuration(t)).append('\n');
        if (result.error() != null) {
            // A sample that can never be produced: promtool reports this case whatever it computes.
            yaml.append("        exp_samples:\n          - labels: '{never=\"produced\"}'\n            value: 0\n");
            return;
        }
        if (result.samples().isEmpty()) {
            yaml.append("        exp_samples: []\n");
            return;
        }
        yaml.append("        exp_samples:\n");
        for (var s : result.samples().entrySet()) {
            yaml.append("          - labels: '").append(toPromLabels(s.getKey())).append("'\n");
            yaml.append("            value: ").append(yamlFloat(s.getValue())).append('\n');
        }
    }

    /** {@code {__name__="m", a="1"}} → {@code m{a="1"}}, the form promtool's metric parser reads. */
    private static String toPromLabels(String text) {
        if (text.startsWith("{__name__=\"")) {
            int end = text.indexOf('"', 11);
            String name = text.substring(11, end);
            String rest = text.substring(end + 1);
            rest = rest.startsWith(", ") ? "{" + rest.substring(2) : "{" + rest.substring(1);
            return name + rest;
        }
        return text;
    }

    private static String yamlFloat(double v) {
        if (Double.isNaN(v)) {
            return ".nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+.inf" : "-.inf";
        }
        return Double.toString(v);
    }

    static Outcome compare(String key, Ours ours, Promtool.Verdict promtool) {
        if (promtool.error() != null || ours.error() != null) {
            return promtool.error() != null && ours.error() != null ? Outcome.BOTH_ERROR : Outcome.DIFFERENT;
        }
        Map<String, Double> theirs = new TreeMap<>();
        for (var e : promtool.got()) {
            theirs.put(e.getKey(), e.getValue());
        }
        if (!theirs.keySet().equals(ours.samples().keySet())) {
            boolean ranked = key.contains("topk") || key.contains("bottomk");
            return ranked && sameValues(ours.samples().values(), theirs.values()) ? Outcome.TIE_ORDER : Outcome.DIFFERENT;
        }
        boolean identical = true;
        for (var e : ours.samples().entrySet()) {
            double a = e.getValue();
            double b = theirs.get(e.getKey());
            if (!close(a, b)) {
                return Outcome.DIFFERENT;
            }
            identical &= Double.compare(a, b) == 0 || (Double.isNaN(a) && Double.isNaN(b)) || a == b;
        }
        return identical ? Outcome.EXACT_WITH_NAN : Outcome.CLOSE;
    }

    private static boolean sameValues(java.util.Collection<Double> a, java.util.Collection<Double> b) {
        List<Double> x = new ArrayList<>(a);
        List<Double> y = new ArrayList<>(b);
        if (x.size() != y.size()) {
            return false;
        }
        x.sort(Double::compare);
        y.sort(Double::compare);
        for (int i = 0; i < x.size(); i++) {
            if (!close(x.get(i), y.get(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean close(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b);
        }
        if (a == b) {
            return true;
        }
        return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
    }
}
