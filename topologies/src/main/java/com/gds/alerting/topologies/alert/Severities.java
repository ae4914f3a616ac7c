package com.gds.alerting.topologies.alert;

import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.internal.AlertStatus;

/** What severity an alert shows, for its events and for queries alike. */
public final class Severities {

    private Severities() {
    }

    /** The level reached, raised to the escalation target once escalated. */
    public static Severity effective(AlertStatus s) {
        Severity escalated = s.getEscalated() ? s.getEscalatedSeverity() : null;
        return escalated != null && escalated.compareTo(s.getSeverity()) > 0 ? escalated : s.getSeverity();
    }
}
