package com.gds.alerting.topologies.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.topologies.anomaly.TrendWindow;

/**
 * The forecast rule's line is PromQL's: on the same series, {@code predict_linear(disk_free[w], h)} as
 * Prometheus 2.42's promtool computes it equals the forecast's value at {@code h} seconds, and
 * {@code predict_linear} at the forecast's predicted crossing is the limit. Every case is written with
 * our number as the expectation; promtool reports those it computes differently.
 */
class ForecastPredictLinearParityTest {

    @TempDir
    Path dir;

    private record Case(String expr, long evalMs, double ours) {
    }

    @Test
    void forecastEqualsPredictLinearAsPromtoolComputesIt() throws Exception {
        Promtool promtool = Promtool.ensureInstalled();
        SplittableRandom random = new SplittableRandom(19);
        long interval = 15_000;
        int n = 480; // two hours
        double[] values = new double[n];
        double v = 900;
        for (int i = 0; i < n; i++) {
            v += -0.05 - 0.3 * random.nextDouble() + (i % 97 == 0 ? 20 : 0); // falling, noisy, the odd clean-up
            values[i] = Math.round(v * 1000) / 1000.0;
        }
        StringBuilder yaml = new StringBuilder("evaluation_interval: 15s\ntests:\n  - interval: 15s\n    input_series:\n"
                + "      - series: 'disk_free'\n        values: '");
        for (int i = 0; i < n; i++) {
            yaml.append(i == 0 ? "" : " ").append(RandomSeries.formatNumber(values[i]));
        }
        yaml.append("'\n    promql_expr_test:\n");
        List<Case> cases = new ArrayList<>();
        long[] windows = {60_000, 600_000, 1_800_000, 3_600_000};
        for (int step = 0; step < 40; step++) {
            int last = 4 + random.nextInt(n - 5);
            long at = last * interval;
            long window = windows[random.nextInt(windows.length)];
            TrendWindow w = TrendWindow.empty();
            for (int i = 0; i <= last; i++) {
                w.add(i * interval, values[i], window);
            }
            TrendWindow.Prediction p = w.predict(0, Comparison.LTE);
            long horizon = 600 + random.nextInt(20_000);
            String range = (window / 60_000) + "m";
            cases.add(new Case("predict_linear(disk_free[" + range + "], " + horizon + ")", at,
                    p.valueNow() + p.slopePerSecond() * horizon));
            if (Double.isFinite(p.secondsToCross()) && p.secondsToCross() > 0) {
                cases.add(new Case("predict_linear(disk_free[" + range + "], " + p.secondsToCross() + ")", at, 0));
            }
        }
        Map<String, Case> byKey = new HashMap<>();
        for (Case c : cases) {
            yaml.append("      - expr: '").append(c.expr()).append("'\n        eval_time: ")
                    .append(Promtool.formatDuration(c.evalMs())).append("\n        exp_samples:\n          - labels: '{}'\n")
                    .append("            value: ").append(Double.toString(c.ours())).append('\n');
            byKey.put(Promtool.goQuote(c.expr()) + " @" + c.evalMs(), c);
        }
        Path file = dir.resolve("forecast.yml");
        Promtool.write(file, yaml.toString());
        Map<String, Promtool.Verdict> failed = promtool.test(file);
        int exact = cases.size() - failed.size();
        for (var e : failed.entrySet()) {
            Case c = byKey.get(e.getKey());
            assertTrue(c != null && e.getValue().error() == null && e.getValue().got().size() == 1,
                    "promtool could not evaluate " + e.getKey() + ": " + e.getValue());
            double theirs = e.getValue().got().get(0).getValue();
            // The crossing cases go through a decimal text of the seconds: a last-digit difference there moves the
            // value by slope x 1e-12 s; the others are the same arithmetic.
            assertEquals(theirs, c.ours(), 1e-9 * Math.max(1, Math.abs(theirs)), e.getKey());
        }
        assertTrue(exact >= cases.size() / 2, exact + " of " + cases.size() + " cases bit-identical; the rest within 1e-9");
    }
}
