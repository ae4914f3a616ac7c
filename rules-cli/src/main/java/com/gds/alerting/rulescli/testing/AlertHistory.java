package com.gds.alerting.rulescli.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.topologies.notify.NotifyPolicy;

/**
 * What one alert key went through in a run, folded from the topology's events: its timeline
 * (pending and firing segments), its incidents and the notifications the dispatcher would have
 * sent. Shared by rule tests and backtests.
 *
 * <p><b>One instant, one state.</b> A transition happens at the event time of the sample that
 * caused it ({@code updated_at}; a timer's tick for absence, reminders and escalations). Several
 * transitions at one instant leave the state of the last one: a segment that starts and ends at the
 * same instant is not on the timeline. It is still in the notifications, which is where a fire and
 * resolve within one instant shows.
 */
public final class AlertHistory {

    /**
     * A stretch of time in one state and severity.
     *
     * @param to null while still in it at the end of the run
     */
    public record Segment(AlertState state, Severity severity, Instant from, Instant to) {
        /** True for FIRING and ACKNOWLEDGED: the alert is firing (promtool's "firing"). */
        public boolean firing() {
            return state == AlertState.FIRING || state == AlertState.ACKNOWLEDGED;
        }
    }

    /** A severity an incident took, from {@code at}. */
    public record SeverityChange(Instant at, Severity severity) {
    }

    /**
     * One incident: from the transition that fired it to the one that resolved it.
     *
     * @param number     the incident number of its events
     * @param start      when it fired
     * @param end        when it resolved; null when still open at the end of the run
     * @param severities the severity it fired at, then each change, in order
     */
    public record Incident(long number, Instant start, Instant end, List<SeverityChange> severities) {
    }

    /**
     * A notification the dispatcher would send ({@link NotifyPolicy}), or one a silence or an
     * inhibition kept quiet ({@code suppressedBy} set). The {@code messageId} is the event's,
     * which is what the dispatcher sends as gds_notification's idempotency key.
     */
    public record Notification(Instant at, Transition transition, Severity severity, long incident, int number,
                               String messageId, String suppressedBy, String routingKey, String summary) {
        public boolean sent() {
            return suppressedBy == null;
        }
    }

    private final String alertKey;
    private final String ruleId;
    private final String instanceId;
    private final String metricName;
    private final List<Segment> segments = new ArrayList<>();
    private final List<Incident> incidents = new ArrayList<>();
    private final List<Notification> notifications = new ArrayList<>();
    private Segment current;
    private Incident openIncident;
    private List<SeverityChange> openSeverities;
    private Instant lastAt;

    private AlertHistory(AlertEvent first) {
        alertKey = first.getAlertKey();
        ruleId = first.getRuleId();
        instanceId = first.getInstanceId();
        metricName = first.getMetricName();
    }

    /** The histories of every alert key in {@code events} (in emission order), by alert key. */
    public static Map<String, AlertHistory> of(List<AlertEvent> events) {
        Map<String, AlertHistory> out = new TreeMap<>();
        for (AlertEvent e : events) {
            out.computeIfAbsent(e.getAlertKey(), k -> new AlertHistory(e)).apply(e);
        }
        out.values().forEach(AlertHistory::finish);
        return out;
    }

    private void apply(AlertEvent e) {
        // Event times only move forward within one key; a timer's tick stamped before the sample that
        // preceded it is counted at that sample's time.
        Instant at = lastAt == null || e.getUpdatedAt().isAfter(lastAt) ? e.getUpdatedAt() : lastAt;
        lastAt = at;
        trackSegments(e, at);
        trackIncidents(e, at);
        if (NotifyPolicy.decide(e).notifies() || NotifyPolicy.mutedBySilenceOrInhibition(e)) {
            notifications.add(new Notification(at, e.getTransition(), e.getSeverity(), e.getIncident(), e.getReminderNumber(),
                    e.getMessageId(), e.getSuppressedBy(), e.getRoutingKey(), e.getSummary()));
        }
    }

    private void trackSegments(AlertEvent e, Instant at) {
        AlertState state = e.getState();
        Severity severity = e.getSeverity();
        if (current != null && current.state() == state && current.severity() == severity) {
            return;
        }
        if (current != null && at.isAfter(current.from())) {
            segments.add(new Segment(current.state(), current.severity(), current.from(), at));
        }
        current = state == AlertState.RESOLVED ? null : new Segment(state, severity, at, null);
    }

    private void trackIncidents(AlertEvent e, Instant at) {
        boolean firing = e.getState() == AlertState.FIRING || e.getState() == AlertState.ACKNOWLEDGED;
        if (openIncident == null && firing && e.getTransition() == Transition.FIRED) {
            openSeverities = new ArrayList<>(List.of(new SeverityChange(at, e.getSeverity())));
            openIncident = new Incident(e.getIncident(), at, null, openSeverities);
            return;
        }
        if (openIncident == null) {
            return;
        }
        if (e.getState() == AlertState.RESOLVED) {
            incidents.add(new Incident(openIncident.number(), openIncident.start(), at, List.copyOf(openSeverities)));
            openIncident = null;
            openSeverities = null;
        } else if (firing && openSeverities.get(openSeverities.size() - 1).severity() != e.getSeverity()) {
            openSeverities.add(new SeverityChange(at, e.getSeverity()));
        }
    }

    private void finish() {
        if (current != null) {
            segments.add(current);
            current = null;
        }
        if (openIncident != null) {
            incidents.add(new Incident(openIncident.number(), openIncident.start(), null, List.copyOf(openSeverities)));
            openIncident = null;
        }
    }

    public String alertKey() {
        return alertKey;
    }

    public String ruleId() {
        return ruleId;
    }

    public String instanceId() {
        return instanceId;
    }

    public String metricName() {
        return metricName;
    }

    /** Pending and firing segments in time order (nothing while resolved). */
    public List<Segment> segments() {
        return Collections.unmodifiableList(segments);
    }

    public List<Incident> incidents() {
        return Collections.unmodifiableList(incidents);
    }

    public List<Notification> notifications() {
        return Collections.unmodifiableList(notifications);
    }

    /** Notifications actually sent (not silenced or inhibited). */
    public long sentCount() {
        return notifications.stream().filter(Notification::sent).count();
    }
}
