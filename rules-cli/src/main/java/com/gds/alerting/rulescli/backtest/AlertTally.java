package com.gds.alerting.rulescli.backtest;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Transition;

/**
 * What a replay would have meant for people, per rule and instance: incidents, time firing, and
 * the notifications that would have been sent (firing, severity change, resolve unless
 * send_resolved is off, reminders, escalations; nothing the topology marks suppressed).
 */
public final class AlertTally {

    private static final Set<Transition> NOTIFYING = EnumSet.of(Transition.FIRED, Transition.SEVERITY_CHANGED,
            Transition.RESOLVED, Transition.REMINDER, Transition.ESCALATED);

    /** Figures of one (rule, instance, metric). */
    public static final class Figures {
        long incidents;
        long firingMs;
        long notifications;
        Instant firingSince;

        public long incidents() {
            return incidents;
        }

        public long firingMs() {
            return firingMs;
        }

        public long notifications() {
            return notifications;
        }
    }

    private final Map<String, Figures> byKey = new TreeMap<>();

    /** Folds events in emission order. */
    public void apply(List<AlertEvent> events) {
        for (AlertEvent e : events) {
            Figures f = byKey.computeIfAbsent(e.getRuleId() + " " + e.getInstanceId() + " " + e.getMetricName(), k -> new Figures());
            if (e.getTransition() == Transition.FIRED) {
                f.incidents++;
                f.firingSince = e.getUpdatedAt();
            }
            if (e.getState() == AlertState.RESOLVED && f.firingSince != null) {
                f.firingMs += e.getUpdatedAt().toEpochMilli() - f.firingSince.toEpochMilli();
                f.firingSince = null;
            }
            boolean resolvedUnsent = e.getTransition() == Transition.RESOLVED && e.getPreviousState() == AlertState.PENDING;
            if (NOTIFYING.contains(e.getTransition()) && e.getSuppressedBy() == null && !resolvedUnsent) {
                f.notifications++;
            }
        }
    }

    /** Counts alerts still firing at {@code end} as firing until then. */
    public void close(Instant end) {
        for (Figures f : byKey.values()) {
            if (f.firingSince != null) {
                f.firingMs += Math.max(0, end.toEpochMilli() - f.firingSince.toEpochMilli());
                f.firingSince = null;
            }
        }
    }

    /** Figures by "rule instance metric". */
    public Map<String, Figures> figures() {
        return byKey;
    }
}
