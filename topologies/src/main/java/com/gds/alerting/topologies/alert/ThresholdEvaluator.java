package com.gds.alerting.topologies.alert;

import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Level;
import com.gds.alerting.topologies.rules.Levels;
import com.gds.alerting.topologies.rules.Series;

/** {@code kind: THRESHOLD}: each sample is one evaluation, at its own event time. No state of its own. */
final class ThresholdEvaluator implements RuleKindEvaluator {

    private final AlertLifecycle lifecycle;

    ThresholdEvaluator(AlertLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public void onSample(CompiledRule rule, Series series, double value, long ts) {
        lifecycle.evaluate(rule, series, ts, false, firing -> {
            Levels levels = rule.levelsAt(series, ts);
            return levels.disabled() ? Verdict.DISABLED : verdict(levels.verdict(value, firing), value);
        });
    }

    /** A breach of {@code level} with {@code value}, or healthy when no level is breached. */
    static Verdict verdict(Level level, double value) {
        return level == null ? Verdict.healthy(value) : Verdict.breached(level, value);
    }
}
