package com.gds.alerting.topologies.notify;

/**
 * Why an alert event does or does not become a notification (docs/semantics.md, "notification
 * policy"). Logs and the {@code gds_dispatcher_decisions_total{reason}} metric show it.
 */
public enum NotifyReason {
    FIRED(true),
    SEVERITY_CHANGED(true),
    RESOLVED(true),
    REMINDER(true),
    ESCALATED(true),
    /** {@code suppressed_by} is set: silence, inhibition, {@code send_resolved=false}, a pending streak that never fired. */
    SUPPRESSED(false),
    /** A transition of a shadow rule: written to the shadow topic, never sent. */
    SHADOW(false),
    /** PENDING, ACKNOWLEDGED, UNACKNOWLEDGED: kept in history, never sent. */
    TRANSITION_NOT_NOTIFIED(false);

    private final boolean notifies;

    NotifyReason(boolean notifies) {
        this.notifies = notifies;
    }

    /** True when the event is to be sent. */
    public boolean notifies() {
        return notifies;
    }
}
