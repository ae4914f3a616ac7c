package com.gds.alerting.service.dispatch;

import com.gds.alerting.avro.AlertEvent;

/**
 * Decides whether an alert event notifies. The topology already marks in {@code suppressed_by}
 * everything that must stay quiet, so the decision needs no rule lookup.
 */
public final class NotifyPolicy {

    private NotifyPolicy() {
    }

    /** The reason this event is sent or not; {@link NotifyReason#notifies()} says which. */
    public static NotifyReason decide(AlertEvent event) {
        if (event.getSuppressedBy() != null) {
            return NotifyReason.SUPPRESSED;
        }
        return switch (event.getTransition()) {
            case FIRED -> NotifyReason.FIRED;
            case SEVERITY_CHANGED -> NotifyReason.SEVERITY_CHANGED;
            case RESOLVED -> NotifyReason.RESOLVED;
            case REMINDER -> NotifyReason.REMINDER;
            case ESCALATED -> NotifyReason.ESCALATED;
            case PENDING, ACKNOWLEDGED, UNACKNOWLEDGED -> NotifyReason.TRANSITION_NOT_NOTIFIED;
        };
    }
}
