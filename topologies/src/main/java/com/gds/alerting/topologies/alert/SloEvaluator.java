package com.gds.alerting.topologies.alert;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Level;
import com.gds.alerting.topologies.rules.Series;
import com.gds.alerting.topologies.slo.SloTracker;

/**
 * {@code kind: SLO}: the sample updates the SLO's state ({@link SloTracker}, store {@code slo-state}, by
 * {@code ruleId:instanceId}); a decided burn rate is one evaluation. The SLO's alert key carries the
 * selector's metric, whichever of its counters the sample is. A RATIO SLO decides once per collection
 * instant, when its second counter arrives.
 */
final class SloEvaluator implements RuleKindEvaluator {

    private final AlertLifecycle lifecycle;
    private final SloTracker slos;
    private final AlertingCounters counters;

    SloEvaluator(AlertLifecycle lifecycle, SloTracker slos, AlertingCounters counters) {
        this.lifecycle = lifecycle;
        this.slos = slos;
        this.counters = counters;
    }

    @Override
    public void onSample(CompiledRule rule, Series series, double value, long ts) {
        SloTracker.Update update = slos.update(rule, series.instanceId(), series.metricName(), value, ts);
        if (update.abandonedAt() != null) {
            counters.increment(Counter.SLO_INSTANTS_INCOMPLETE);
        }
        if (update.outcome() == SloTracker.Outcome.LATE) {
            counters.increment(Counter.SAMPLES_LATE);
        }
        if (update.outcome() != SloTracker.Outcome.DECIDED) {
            return;
        }
        SloTracker.Decision decision = update.decision();
        Series alerted = new Series(rule.metricName(), series.instanceId(), series.databaseType(), series.environment(),
                series.tags());
        lifecycle.evaluate(rule, alerted, decision.at(), true, firing -> {
            if (rule.disabledFor(alerted)) {
                return Verdict.DISABLED;
            }
            return decision.firing()
                    ? Verdict.breached(new Level(decision.severity(), Comparison.GT, decision.threshold(), decision.threshold()),
                            decision.burnRate())
                    : Verdict.healthy(decision.burnRate());
        });
    }

    @Override
    public void forgetRule(String ruleId) {
        slos.forget(ruleId);
    }
}
