package com.gds.alerting.topologies.alert;

import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.ForecastSpec;
import com.gds.alerting.avro.internal.DecisionExplanation;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.anomaly.TrendWindow;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Level;
import com.gds.alerting.topologies.rules.Series;
import com.gds.alerting.topologies.rules.SeriesBy;

/**
 * {@code kind: FORECAST}: each sample joins the series' {@link TrendWindow} (store {@code baselines}, keyed
 * by alert key); with at least {@code min_samples} in the window, the least-squares line of
 * {@code predict_linear} says when the series crosses the limit, and the sample's evaluation is a breach
 * when that is within {@code horizon} (or already past). The verdict's value is the seconds until the
 * crossing ({@link #NEVER_SECONDS} when the line does not head for the limit), compared with the horizon in
 * seconds; the event carries the predicted crossing time.
 */
final class ForecastEvaluator implements RuleKindEvaluator {

    /** The value of a forecast that never crosses: ten years, a finite number every consumer can print. */
    static final double NEVER_SECONDS = 10 * 365 * 86_400.0;
    private static final Logger LOG = LoggerFactory.getLogger(ForecastEvaluator.class);

    private final AlertLifecycle lifecycle;
    private final KeyValueStore<String, byte[]> windows;
    private final AlertingCounters counters;

    ForecastEvaluator(AlertLifecycle lifecycle, KeyValueStore<String, byte[]> windows, AlertingCounters counters) {
        this.lifecycle = lifecycle;
        this.windows = windows;
        this.counters = counters;
    }

    @Override
    public void onSample(CompiledRule rule, Series series, double value, long ts) {
        if (!Double.isFinite(value)) {
            counters.increment(Counter.SAMPLES_NOT_FINITE);
            return;
        }
        ForecastSpec spec = rule.forecast();
        String key = SeriesBy.alertKey(rule, series);
        TrendWindow window = load(key);
        if (ts <= window.lastAt()) {
            counters.increment(Counter.SAMPLES_LATE);
            return;
        }
        window.add(ts, value, spec.getWindowMs());
        windows.put(key, window.encode());
        if (window.size() < Math.max(2, spec.getMinSamples())) {
            return;
        }
        TrendWindow.Prediction p = window.predict(spec.getLimit(), spec.getOp());
        double seconds = Math.min(p.secondsToCross(), NEVER_SECONDS);
        double horizon = spec.getHorizonMs() / 1000.0;
        DecisionExplanation why = DecisionExplanation.newBuilder().setExpected(p.valueNow())
                .setPredictedCrossingAt(p.crossingAt()).build();
        lifecycle.evaluate(rule, series, ts, false, firing -> {
            if (rule.disabledFor(series)) {
                return Verdict.DISABLED;
            }
            return (seconds <= horizon
                    ? Verdict.breached(new Level(spec.getSeverity(), Comparison.LTE, horizon, horizon), seconds)
                    : Verdict.healthy(seconds)).explained(why);
        });
    }

    private TrendWindow load(String key) {
        byte[] bytes = windows.get(key);
        if (bytes == null) {
            return TrendWindow.empty();
        }
        try {
            return TrendWindow.decode(bytes);
        } catch (IllegalArgumentException e) {
            LOG.warn("forecast window of {} is unreadable ({}): starting anew", key, e.getMessage());
            counters.increment(Counter.BASELINES_RESET);
            return TrendWindow.empty();
        }
    }

    @Override
    public void forgetRule(String ruleId) {
        BaselineStores.forget(windows, ruleId);
    }
}
