package com.gds.alerting.topologies.alert;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.topologies.rules.CompiledRule;

/**
 * The {@link RuleKindEvaluator} of each rule kind ({@link AlertProcessor#init} registers them): the one
 * place that maps a {@link RuleKind} to how its samples are evaluated. A new kind is a new evaluator and
 * one {@link #register} line; a rule of a kind nobody registered fails its evaluation as an unknown kind.
 */
final class RuleKindEvaluators {

    private final Map<RuleKind, RuleKindEvaluator> byKind = new EnumMap<>(RuleKind.class);

    /** Registers the evaluator of {@code kind}; a kind is registered once. */
    RuleKindEvaluators register(RuleKind kind, RuleKindEvaluator evaluator) {
        if (byKind.putIfAbsent(kind, evaluator) != null) {
            throw new IllegalStateException("rule kind " + kind + " is registered twice");
        }
        return this;
    }

    /** The evaluator of {@code kind}; throws for a kind nobody registered. */
    RuleKindEvaluator of(RuleKind kind) {
        RuleKindEvaluator evaluator = byKind.get(kind);
        if (evaluator == null) {
            throw new IllegalStateException("unknown rule kind " + kind);
        }
        return evaluator;
    }

    /**
     * Drops the state a changed rule no longer uses: every kind's but that of the rule's kind now
     * ({@code current}, null when the rule was deleted).
     */
    void forgetRule(String ruleId, CompiledRule current) {
        RuleKind kind = current == null ? null : current.kind();
        byKind.forEach((k, evaluator) -> {
            if (k != kind) {
                evaluator.forgetRule(ruleId);
            }
        });
    }

    Map<RuleKind, RuleKindEvaluator> all() {
        return Collections.unmodifiableMap(byKind);
    }
}
