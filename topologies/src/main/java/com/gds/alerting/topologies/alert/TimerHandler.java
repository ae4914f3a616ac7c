package com.gds.alerting.topologies.alert;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.topologies.TimeMath;
import com.gds.alerting.topologies.rules.CompiledRule;
import com.gds.alerting.topologies.rules.RuleBook;

/**
 * The timers come due on the wall clock (store {@code alert-timers}, keyed by due time, so the due ones are
 * a prefix): at most {@code maxTimersPerTick} per tick, each deleted and then acted on — a REMINDER
 * re-notifies a firing alert and schedules the next, an ESCALATION escalates an unacknowledged one, an UNMUTE
 * looks again at an alert whose silence ended, and ABSENCE / FORGET timers go to the
 * {@link AbsenceEvaluator}. A timer that no longer matches its alert's state (acknowledged, resolved,
 * rescheduled) does nothing.
 */
final class TimerHandler {

    private final AlertLifecycle lifecycle;
    private final KeyValueStore<Bytes, byte[]> timers;
    private final AlertStates states;
    private final RuleBook ruleBook;
    private final AbsenceEvaluator absences;
    private final int maxTimersPerTick;

    TimerHandler(AlertLifecycle lifecycle, RuleBook ruleBook, AbsenceEvaluator absences, int maxTimersPerTick) {
        this.lifecycle = lifecycle;
        this.timers = lifecycle.timers();
        this.states = lifecycle.states();
        this.ruleBook = ruleBook;
        this.absences = absences;
        this.maxTimersPerTick = maxTimersPerTick;
    }

    void fireDue(long now) {
        List<TimerKeys.Timer> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = timers.all()) {
            while (it.hasNext() && due.size() < maxTimersPerTick) {
                TimerKeys.Timer timer = TimerKeys.parse(it.next().key);
                if (timer.due() > now) {
                    break;
                }
                due.add(timer);
            }
        }
        for (TimerKeys.Timer timer : due) {
            timers.delete(TimerKeys.key(timer.due(), timer.kind(), timer.alertKey()));
            if (timer.kind() == TimerKeys.Kind.ABSENCE || timer.kind() == TimerKeys.Kind.FORGET) {
                absences.onTimer(timer, now);
                continue;
            }
            if (timer.kind() == TimerKeys.Kind.UNMUTE) {
                lifecycle.recheck(timer.alertKey(), now);
                continue;
            }
            AlertStatus s = states.get(timer.alertKey());
            if (s == null || s.getState() != AlertState.FIRING) {
                continue;
            }
            CompiledRule rule = ruleBook.rule(s.getRuleId());
            if (timer.kind() == TimerKeys.Kind.REMINDER && Long.valueOf(timer.due()).equals(s.getReminderDue())) {
                s.setReminderNumber(s.getReminderNumber() + 1);
                s.setReminderDue(null);
                if (rule != null && rule.repeatIntervalMs() != null) {
                    long next = TimeMath.plus(now, rule.repeatIntervalMs());
                    s.setReminderDue(next);
                    timers.put(TimerKeys.key(next, TimerKeys.Kind.REMINDER, s.getAlertKey()), AlertLifecycle.PRESENT);
                }
                lifecycle.emit(s, Transition.REMINDER, AlertState.FIRING, Reason.REPEAT_INTERVAL_ELAPSED, null, now);
                states.put(s.getAlertKey(), s);
            } else if (timer.kind() == TimerKeys.Kind.ESCALATION && Long.valueOf(timer.due()).equals(s.getEscalationDue())) {
                s.setEscalationDue(null);
                if (rule != null && !s.getEscalated()) {
                    s.setEscalated(true);
                    s.setEscalatedSeverity(rule.escalateToSeverity());
                    s.setEscalatedRoutingKey(rule.escalateRoutingKey());
                    lifecycle.emit(s, Transition.ESCALATED, AlertState.FIRING, Reason.NOT_ACKNOWLEDGED_IN_TIME, null, now);
                }
                states.put(s.getAlertKey(), s);
            }
        }
    }
}
