package com.gds.alerting.topologies.notify;

import com.gds.alerting.avro.AlertEvent;

/**
 * Decides whether an alert event notifies. The topology already marks in {@code suppressed_by}
 * everything that must stay quiet, so the decision needs no rule lookup. The notification
 * dispatcher decides with it, and {@code gds-rules test} / {@code backtest} report with it, so the
 * tools and the service never disagree on what would have been sent.
 */
public final class NotifyPolicy {

    /** {@code suppressed_by} prefix of a transition a silence kept quiet: {@code silence:<silence id>}. */
    public static final String SILENCE_PREFIX = "silence:";
    /** {@code suppressed_by} prefix of a transition an inhibition kept quiet: {@code inhibited-by:<source alert key>}. */
    public static final String INHIBITION_PREFIX = "inhibited-by:";
    /** {@code suppressed_by} of every transition of a shadow rule (README, "Shadow rules"). */
    public static final String SHADOW = "shadow";

    private NotifyPolicy() {
    }

    /** The reason this event is sent or not; {@link NotifyReason#notifies()} says which. */
    public static NotifyReason decide(AlertEvent event) {
        // Checked first and apart from suppressed_by: a shadow event never notifies, even one that a
        // misconfiguration put on the events topic with suppressed_by cleared.
        if (event.getShadow()) {
            return NotifyReason.SHADOW;
        }
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

    /**
     * True when the event would have notified but a silence or an inhibition kept it quiet (as
     * opposed to the rule's own policy: {@code send_resolved: false}, a pending streak that never
     * fired).
     */
    public static boolean mutedBySilenceOrInhibition(AlertEvent event) {
        String by = event.getSuppressedBy();
        return by != null && (by.startsWith(SILENCE_PREFIX) || by.startsWith(INHIBITION_PREFIX));
    }
}
