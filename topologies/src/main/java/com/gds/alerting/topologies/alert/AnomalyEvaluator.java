package com.gds.alerting.topologies.alert;

import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.AnomalySpec;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.internal.DecisionExplanation;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.anomaly.AnomalyDetector;
import com.gds.alerting.topologies.anomaly.Baseline;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Level;
import com.gds.alerting.topologies.rules.Series;
import com.gds.alerting.topologies.rules.SeriesBy;

/**
 * {@code kind: ANOMALY}: each sample is judged against the series' learned {@link Baseline} (store
 * {@code baselines}, keyed by alert key) at its own event time, then learned. The verdict's value is the
 * deviation in the rule's direction, in standard deviations (or scaled MADs); the level is the rule's
 * severity at {@code bounds} (recovery at {@code recovery_bounds}), so {@code for}, {@code keep_firing_for},
 * silences, inhibition, reminders and escalation apply as to any rule. Every sample is learned, even when
 * an override disables the rule for the series (the baseline is ready when it is enabled again) or the
 * lifecycle ignores it; a sample at or before the newest learned one is late (counted) and changes nothing,
 * so a replay of the same samples learns the same baseline.
 */
final class AnomalyEvaluator implements RuleKindEvaluator {

    private static final Logger LOG = LoggerFactory.getLogger(AnomalyEvaluator.class);

    private final AlertLifecycle lifecycle;
    private final KeyValueStore<String, byte[]> baselines;
    private final AlertingCounters counters;

    AnomalyEvaluator(AlertLifecycle lifecycle, KeyValueStore<String, byte[]> baselines, AlertingCounters counters) {
        this.lifecycle = lifecycle;
        this.baselines = baselines;
        this.counters = counters;
    }

    @Override
    public void onSample(CompiledRule rule, Series series, double value, long ts) {
        if (!Double.isFinite(value)) {
            counters.increment(Counter.SAMPLES_NOT_FINITE);
            return;
        }
        String key = SeriesBy.alertKey(rule, series);
        AnomalyDetector detector = rule.anomaly();
        Baseline baseline = load(key, detector);
        if (ts <= baseline.lastAt()) {
            counters.increment(Counter.SAMPLES_LATE);
            return;
        }
        AnomalyDetector.Judgement[] made = new AnomalyDetector.Judgement[1];
        lifecycle.evaluate(rule, series, ts, false, firing -> {
            if (rule.disabledFor(series)) {
                return Verdict.DISABLED;
            }
            made[0] = detector.judge(baseline, ts, value, firing != null);
            return verdict(rule.source().getAnomaly(), detector.settings(), made[0]);
        });
        if (made[0] == null) {
            detector.judge(baseline, ts, value, false);
        }
        baselines.put(key, baseline.encode());
    }

    /** The baseline of {@code key}, or a fresh one when there is none or it was learned with other settings. */
    private Baseline load(String key, AnomalyDetector detector) {
        byte[] bytes = baselines.get(key);
        if (bytes == null) {
            return detector.newBaseline();
        }
        try {
            Baseline stored = Baseline.decode(bytes);
            if (detector.fits(stored)) {
                return stored;
            }
            LOG.info("baseline of {} was learned as {}/{}; the rule is now {}/{}: learning anew", key, stored.algorithm(),
                    stored.seasonality(), detector.settings().algorithm(), detector.settings().seasonality());
        } catch (IllegalArgumentException e) {
            LOG.warn("baseline of {} is unreadable ({}): learning anew", key, e.getMessage());
        }
        counters.increment(Counter.BASELINES_RESET);
        return detector.newBaseline();
    }

    static Verdict verdict(AnomalySpec spec, AnomalyDetector.Settings settings, AnomalyDetector.Judgement j) {
        if (j.state() == AnomalyDetector.State.LEARNING) {
            return Verdict.healthy(0).explained(DecisionExplanation.newBuilder().build());
        }
        DecisionExplanation why = DecisionExplanation.newBuilder().setExpected(j.expected()).setBandLower(j.lower())
                .setBandUpper(j.upper()).setDeviationSigma(j.deviation()).build();
        if (j.state() == AnomalyDetector.State.ANOMALOUS) {
            return Verdict.breached(new Level(spec.getSeverity(), Comparison.GT, settings.bounds(), settings.recoveryBounds()),
                    j.directional()).explained(why);
        }
        return Verdict.healthy(j.directional()).explained(why);
    }

    @Override
    public void forgetRule(String ruleId) {
        BaselineStores.forget(baselines, ruleId);
    }
}
