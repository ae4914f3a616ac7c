package com.gds.alerting.service.api;

import java.time.Instant;
import java.util.Map;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.topologies.alert.Severities;

/**
 * An alert as the REST API shows it. {@code suppressed_by} names the silence ({@code silence:<id>}) or
 * inhibiting alert ({@code inhibited-by:<key>}) that kept its newest notification quiet, null when
 * its notifications go out. {@code stale} is true when it was read from a standby replica because
 * the active one was not reachable: it may lag the truth by a moment. {@code value} is the newest
 * evaluation's, taken at {@code last_sample_at}; {@code summary} was rendered at the last transition
 * ({@code updated_at}), so the value in its text may be older. {@code shadow} marks an alert of a
 * shadow rule (it never notifies); {@code shadow_of} names the live rule it shadows. For anomaly and
 * forecast rules, {@code expected}, {@code band_lower}, {@code band_upper}, {@code deviation_sigma} and
 * {@code predicted_crossing_at} explain the newest evaluation (null for other kinds, and while learning).
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record AlertView(String alertKey, String ruleId, String instanceId, String metricName,
                        @Nullable String databaseType, @Nullable String environment,
                        String state, String severity, long incident,
                        @Nullable Double value, @Nullable Double threshold,
                        Instant startedAt, Instant updatedAt, @Nullable Instant firedAt,
                        @Nullable String acknowledgedBy, @Nullable Instant acknowledgedAt, @Nullable String ackComment,
                        @Nullable String resolvedBy, @Nullable String resolveComment,
                        int reminders, boolean escalated,
                        Map<String, String> labels, @Nullable String summary, @Nullable String description,
                        @Nullable String runbookUrl, @Nullable String routingKey, @Nullable String suppressedBy,
                        boolean stale, @Nullable Instant lastSampleAt, boolean shadow, @Nullable String shadowOf,
                        @Nullable Double expected, @Nullable Double bandLower, @Nullable Double bandUpper,
                        @Nullable Double deviationSigma, @Nullable Instant predictedCrossingAt) {

    public static AlertView of(AlertStatus s, boolean stale) {
        return new AlertView(s.getAlertKey(), s.getRuleId(), s.getInstanceId(), s.getMetricName(), s.getDatabaseType(),
                s.getEnvironment(), s.getState().name(), Severities.effective(s).name(), s.getIncident(),
                s.getValue(), s.getThreshold(), Instant.ofEpochMilli(s.getStartedAt()), Instant.ofEpochMilli(s.getUpdatedAt()),
                s.getFiredAt() == null ? null : Instant.ofEpochMilli(s.getFiredAt()), s.getAcknowledgedBy(),
                s.getAcknowledgedAt() == null ? null : Instant.ofEpochMilli(s.getAcknowledgedAt()), s.getAckComment(),
                s.getResolvedBy(), s.getResolveComment(), s.getReminderNumber(), s.getEscalated(), Map.copyOf(s.getLabels()),
                s.getSummary(), s.getDescription(), s.getRunbookUrl(), s.getRoutingKey(), s.getMutedBy(), stale,
                Instant.ofEpochMilli(s.getLastSampleAt()), s.getShadow(), s.getShadowOf(),
                s.getExplanation() == null ? null : s.getExplanation().getExpected(),
                s.getExplanation() == null ? null : s.getExplanation().getBandLower(),
                s.getExplanation() == null ? null : s.getExplanation().getBandUpper(),
                s.getExplanation() == null ? null : s.getExplanation().getDeviationSigma(),
                s.getExplanation() == null || s.getExplanation().getPredictedCrossingAt() == null ? null
                        : Instant.ofEpochMilli(s.getExplanation().getPredictedCrossingAt()));
    }

    /** The same alert, flagged as read from a standby. */
    public AlertView asStale() {
        return new AlertView(alertKey, ruleId, instanceId, metricName, databaseType, environment, state, severity, incident,
                value, threshold, startedAt, updatedAt, firedAt, acknowledgedBy, acknowledgedAt, ackComment, resolvedBy,
                resolveComment, reminders, escalated, labels, summary, description, runbookUrl, routingKey, suppressedBy, true,
                lastSampleAt, shadow, shadowOf, expected, bandLower, bandUpper, deviationSigma, predictedCrossingAt);
    }
}
