package com.gds.alerting.topologies.alert;

import java.time.Duration;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.internal.AbsenceTrack;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.absence.AbsenceTracker;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.Level;
import com.gds.alerting.topologies.rules.RuleBook;
import com.gds.alerting.topologies.rules.Series;
import com.gds.alerting.topologies.rules.SeriesBy;

/**
 * {@code kind: ABSENCE}: every sample pushes the series' deadline back ({@link AbsenceTracker}, store
 * {@code absence-tracking}, and an ABSENCE timer in {@code alert-timers}) and resolves its open alert; when the
 * timer comes due ({@link TimerHandler} hands it to {@link #onTimer}) the alert fires after {@code for} of
 * silence, and the series is forgotten after the retention (resolving its alert). Evaluated on the wall
 * clock.
 */
final class AbsenceEvaluator implements RuleKindEvaluator {

    private final ProcessorContext<String, SpecificRecord> context;
    private final AlertLifecycle lifecycle;
    private final AbsenceTracker absences;
    private final RuleBook ruleBook;
    private final AlertingCounters counters;
    private final Duration defaultRetention;

    AbsenceEvaluator(ProcessorContext<String, SpecificRecord> context, AlertLifecycle lifecycle, AbsenceTracker absences,
                     RuleBook ruleBook, AlertingCounters counters, Duration defaultRetention) {
        this.context = context;
        this.lifecycle = lifecycle;
        this.absences = absences;
        this.ruleBook = ruleBook;
        this.counters = counters;
        this.defaultRetention = defaultRetention;
    }

    /** A sample of an absent series resolves its alert; every sample pushes the deadline back. */
    @Override
    public void onSample(CompiledRule rule, Series series, double value, long ts) {
        long now = context.currentSystemTimeMs();
        String key = SeriesBy.alertKey(rule, series);
        KeyValueStore<Bytes, byte[]> timers = lifecycle.timers();
        AbsenceTracker.Rearm rearm = absences.onSample(key, series, rule.forMs(), now);
        if (rearm != null) {
            if (rearm.oldDue() != null) {
                timers.delete(TimerKeys.key(rearm.oldDue(), rearm.oldWasForget() ? TimerKeys.Kind.FORGET
                        : TimerKeys.Kind.ABSENCE, key));
            }
            timers.put(TimerKeys.key(rearm.newDue(), TimerKeys.Kind.ABSENCE, key), AlertLifecycle.PRESENT);
        }
        // Without alert state an evaluation changes nothing and counts nothing (AlertLifecycle.evaluate: no
        // state, healthy verdict), so the open-alert store is read only for a key the index holds.
        if (lifecycle.states().known(key) != null && lifecycle.open().get(key) != null) {
            lifecycle.evaluate(rule, series, now, true, firing -> rule.disabledFor(series) ? Verdict.DISABLED
                    : Verdict.healthy(0));
        }
    }

    @Override
    public void forgetRule(String ruleId) {
        absences.forgetRule(ruleId);
    }

    /**
     * An absence timer (ABSENCE or FORGET, already deleted from the timer store) came due: re-arm it if
     * the series was heard from since, fire the absence alert after {@code for} of silence, forget the
     * series after the retention (resolving its alert).
     */
    void onTimer(TimerKeys.Timer timer, long now) {
        String key = timer.alertKey();
        AlertKeys.Parts parts = AlertKeys.parse(key);
        CompiledRule rule = parts == null ? null : ruleBook.rule(parts.ruleId());
        if (rule == null || !rule.enabled() || rule.kind() != RuleKind.ABSENCE) {
            absences.forget(key);
            return;
        }
        AbsenceTrack tracked = absences.get(key);
        if (tracked != null && !SeriesBy.alertKey(rule, AbsenceTracker.series(tracked, parts.metricName(), parts.instanceId()))
                .equals(key)) {
            // The rule's 'by' changed: the series is tracked under its new key; this one would fire for a silence
            // that is not one. Its open alert, if any, is resolved by RuleReconciler.
            absences.forget(key);
            return;
        }
        long retention = rule.forgetAfterMs() != null ? rule.forgetAfterMs() : defaultRetention.toMillis();
        boolean forgetTimer = timer.kind() == TimerKeys.Kind.FORGET;
        AbsenceTracker.Due outcome = absences.onTimer(key, timer.due(), forgetTimer, rule.forMs(), retention, now);
        AbsenceTrack track = absences.get(key);
        if (track != null && outcome != AbsenceTracker.Due.STALE) {
            lifecycle.timers().put(TimerKeys.key(track.getArmedDue(), track.getArmedForget() ? TimerKeys.Kind.FORGET
                    : TimerKeys.Kind.ABSENCE, key), AlertLifecycle.PRESENT);
        }
        switch (outcome) {
            case ABSENT -> {
                Series series = AbsenceTracker.series(track, parts.metricName(), parts.instanceId());
                double silentSeconds = (now - track.getLastSeenAt()) / 1000.0;
                double threshold = rule.forMs() / 1000.0;
                lifecycle.evaluate(rule, series, now, true, firing -> rule.disabledFor(series) ? Verdict.DISABLED
                        : Verdict.breached(new Level(rule.absenceSeverity(), Comparison.GT, threshold, threshold), silentSeconds));
            }
            case FORGOTTEN -> {
                counters.increment(Counter.INSTANCES_FORGOTTEN);
                AlertStatus s = lifecycle.states().get(key);
                if (s != null && s.getState() != AlertState.RESOLVED) {
                    lifecycle.resolve(s, now, Reason.INSTANCE_FORGOTTEN, null, "no sample for "
                            + Duration.ofMillis(retention) + "; the instance is no longer tracked", null);
                }
            }
            default -> {
            }
        }
    }
}
