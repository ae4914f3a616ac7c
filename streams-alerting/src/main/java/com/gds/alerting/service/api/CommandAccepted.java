package com.gds.alerting.service.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/**
 * The answer to a write: the command is on {@code gds.alerts.commands}; the topology applies it
 * (its verdict goes to {@code gds.alerts.command-results}) and the change shows on a later GET.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record CommandAccepted(String commandId, String alertKey, String type, @Nullable Long incident) {
}
