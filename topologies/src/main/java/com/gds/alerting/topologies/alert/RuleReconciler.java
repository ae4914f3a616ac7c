package com.gds.alerting.topologies.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.RuleBook;
import com.gds.alerting.topologies.rules.Series;
import com.gds.alerting.topologies.rules.SeriesBy;

/**
 * After rules changed: resolves the open alerts whose rule was deleted, disabled, turned shadow or live, no
 * longer selects their series or now keys them otherwise ({@code by}); looks again at the alerts a changed
 * inhibition source keeps quiet; and has each rule kind drop the state a changed rule no longer uses
 * ({@link RuleKindEvaluators#forgetRule}). Only the rules changed since the last look are checked, by prefix
 * over {@code alert-open}; after a restart (or when the change history is gone) every open alert is checked
 * once. Stores: {@code alert-open}, {@code alert-state}.
 */
final class RuleReconciler {

    private static final StringSerializer STRINGS = new StringSerializer();

    private final AlertLifecycle lifecycle;
    private final AlertStates states;
    private final KeyValueStore<String, byte[]> open;
    private final RuleBook ruleBook;
    private final RuleKindEvaluators evaluators;
    private long seenVersion = -1;

    RuleReconciler(AlertLifecycle lifecycle, RuleBook ruleBook, RuleKindEvaluators evaluators) {
        this.lifecycle = lifecycle;
        this.states = lifecycle.states();
        this.open = lifecycle.open();
        this.ruleBook = ruleBook;
        this.evaluators = evaluators;
    }

    void reconcile(long now) {
        long version = ruleBook.version();
        if (version == seenVersion) {
            return;
        }
        Optional<Set<String>> changed = ruleBook.changedSince(seenVersion);
        List<String> candidates = new ArrayList<>();
        if (changed.isPresent()) {
            for (String ruleId : changed.get()) {
                try (KeyValueIterator<String, byte[]> it = open.prefixScan(ruleId + ":", STRINGS)) {
                    it.forEachRemaining(kv -> candidates.add(kv.key));
                }
                // After a restart the change history is gone and this is skipped: such state then stays,
                // bounded per series (README, "Store layouts").
                evaluators.forgetRule(ruleId, ruleBook.rule(ruleId));
            }
        } else {
            try (KeyValueIterator<String, byte[]> it = open.all()) {
                it.forEachRemaining((KeyValue<String, byte[]> kv) -> candidates.add(kv.key));
            }
        }
        for (String key : candidates) {
            AlertStatus s = states.get(key);
            if (s == null || s.getState() == AlertState.RESOLVED) {
                open.delete(key);
                continue;
            }
            CompiledRule rule = ruleBook.rule(s.getRuleId());
            if (rule == null) {
                lifecycle.resolve(s, now, Reason.RULE_DELETED, null, "rule '" + s.getRuleId() + "' was deleted", null);
            } else if (rule.shadow() != s.getShadow()) {
                lifecycle.resolve(s, now, Reason.ROLE_CHANGED, null, "rule '" + s.getRuleId() + "' is now "
                        + (rule.shadow() ? "a shadow rule" : "a live rule") + "; the next breach opens a new incident", null);
            } else if (!rule.enabled()) {
                lifecycle.resolve(s, now, Reason.RULE_DISABLED, null, "rule '" + s.getRuleId() + "' was disabled", null);
            } else if (!rule.selects(series(s))) {
                lifecycle.resolve(s, now, Reason.NO_LONGER_SELECTED, null, "rule '" + s.getRuleId()
                        + "' changed and no longer selects this series", null);
            } else if (!SeriesBy.alertKey(rule, series(s)).equals(key)) {
                lifecycle.resolve(s, now, Reason.ALERT_KEY_CHANGED, null, "rule '" + s.getRuleId() + "' changed its 'by': this"
                        + " series now alerts under '" + SeriesBy.alertKey(rule, series(s)) + "'", null);
            } else if (!s.getInhibiting().isEmpty()) {
                lifecycle.recheckInhibited(s, now);
            }
        }
        seenVersion = version;
    }

    private static Series series(AlertStatus s) {
        return new Series(s.getMetricName(), s.getInstanceId(), s.getDatabaseType(), s.getEnvironment(), s.getTags());
    }
}
