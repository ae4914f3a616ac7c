package com.gds.alerting.collectors.agent;

/**
 * What one cycle of one target did.
 *
 * @param instanceId   the target
 * @param up           whether the database answered
 * @param durationMs   how long the collection took
 * @param metricCount  metrics published (including up and the duration)
 * @param error        why it did not answer (no secrets), or null
 * @param reason       the class of that failure, or null when it answered
 */
public record CycleOutcome(String instanceId, boolean up, long durationMs, int metricCount, String error,
                           FailureReason reason) {
}
