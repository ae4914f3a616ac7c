package com.gds.alerting.service.query;

import java.util.Locale;
import java.util.Set;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.topologies.alert.Severities;

/**
 * The filters of {@code GET /api/v1/alerts}; all optional. Without {@code state}, the current
 * alerts: pending, firing and acknowledged (resolved ones only when asked for).
 */
public record AlertFilter(String state, String severity, String instanceId, String ruleId) {

    private static final Set<AlertState> CURRENT = Set.of(AlertState.PENDING, AlertState.FIRING, AlertState.ACKNOWLEDGED);

    public AlertFilter {
        state = upper(state);
        severity = upper(severity);
    }

    private static String upper(String value) {
        return value == null || value.isBlank() ? null : value.trim().toUpperCase(Locale.ROOT);
    }

    public boolean matches(AlertStatus s) {
        boolean stateOk = state == null ? CURRENT.contains(s.getState()) : s.getState().name().equals(state);
        return stateOk
                && (severity == null || Severities.effective(s).name().equals(severity))
                && (instanceId == null || s.getInstanceId().equals(instanceId))
                && (ruleId == null || s.getRuleId().equals(ruleId));
    }
}
