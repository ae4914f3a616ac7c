package com.gds.alerting.topologies.alert;

import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Series;

/**
 * How one {@link com.gds.alerting.avro.RuleKind rule kind} turns a sample into evaluations: it reaches a
 * {@link Verdict} its own way (a threshold at once, a window when it closes, an SLO once per collection
 * instant, an absence rule on the wall clock) and hands it to the shared {@link AlertLifecycle}. One
 * implementation per kind, registered in {@link RuleKindEvaluators}; {@link AlertProcessor} calls the one
 * of each rule that selects the sample's series.
 */
interface RuleKindEvaluator {

    /**
     * A sample of {@code series} that {@code rule} (of this evaluator's kind) selects: {@code value} at event
     * time {@code ts} (epoch millis).
     */
    void onSample(CompiledRule rule, Series series, double value, long ts);

    /**
     * Drops the state this kind keeps for {@code ruleId}: the rule was deleted or is now of another kind
     * (see {@link RuleKindEvaluators#forgetRule}). A kind without state of its own keeps the default.
     */
    default void forgetRule(String ruleId) {
    }
}
