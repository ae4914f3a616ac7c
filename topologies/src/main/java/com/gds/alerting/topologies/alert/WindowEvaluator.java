package com.gds.alerting.topologies.alert;

import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Levels;
import com.gds.alerting.topologies.rules.Series;
import com.gds.alerting.topologies.rules.SeriesBy;
import com.gds.alerting.topologies.window.WindowAggregator;

/**
 * {@code kind: WINDOW}: samples are aggregated into windows ({@link WindowAggregator}, stores
 * {@code window-panes} and {@code window-progress}); each window a sample closes is one evaluation, at the
 * window's end. A sample older than the window it would fall in is late (counted).
 */
final class WindowEvaluator implements RuleKindEvaluator {

    private final AlertLifecycle lifecycle;
    private final WindowAggregator windows;
    private final AlertingCounters counters;

    WindowEvaluator(AlertLifecycle lifecycle, WindowAggregator windows, AlertingCounters counters) {
        this.lifecycle = lifecycle;
        this.windows = windows;
        this.counters = counters;
    }

    @Override
    public void onSample(CompiledRule rule, Series series, double value, long ts) {
        String key = SeriesBy.alertKey(rule, series);
        WindowAggregator.Outcome outcome = windows.add(rule.window(), key, value, ts);
        if (outcome.late()) {
            counters.increment(Counter.SAMPLES_LATE);
            return;
        }
        for (WindowAggregator.Closed window : outcome.closed()) {
            counters.increment(Counter.WINDOWS_EVALUATED);
            lifecycle.evaluate(rule, series, window.end(), false, firing -> {
                Levels levels = rule.levelsAt(series, window.end());
                return levels.disabled() ? Verdict.DISABLED
                        : ThresholdEvaluator.verdict(levels.verdict(window.value(), firing), window.value());
            });
        }
    }

    @Override
    public void forgetRule(String ruleId) {
        windows.forget(ruleId);
    }
}
