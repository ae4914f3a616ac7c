package com.gds.alerting.service.api;

import java.time.Instant;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import com.gds.alerting.avro.AlertEvent;

/** One transition in an alert's history. */
@Serdeable(naming = SnakeCaseStrategy.class)
public record EventView(String messageId, String transition, String state, @Nullable String previousState, String severity,
                        long incident, int number, @Nullable Double value, @Nullable Double threshold, Instant updatedAt,
                        @Nullable String reason, @Nullable String acknowledgedBy, @Nullable String ackComment,
                        @Nullable String resolvedBy, @Nullable String resolveComment, @Nullable String suppressedBy,
                        @Nullable String commandId, @Nullable String summary) {

    public static EventView of(AlertEvent e) {
        return new EventView(e.getMessageId(), e.getTransition().name(), e.getState().name(),
                e.getPreviousState() == null ? null : e.getPreviousState().name(), e.getSeverity().name(), e.getIncident(),
                e.getReminderNumber(), e.getValue(), e.getThreshold(), e.getUpdatedAt(), e.getReason(), e.getAcknowledgedBy(),
                e.getAckComment(), e.getResolvedBy(), e.getResolveComment(), e.getSuppressedBy(), e.getCommandId(),
                e.getSummary());
    }
}
