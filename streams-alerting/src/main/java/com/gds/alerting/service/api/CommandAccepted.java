package com.gds.alerting.service.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The answer to a write: the command is on {@code gds.alerts.commands}; the topology applies it
 * (its verdict goes to {@code gds.alerts.command-results}) and the change shows on a later GET.
 */
@Serdeable
public record CommandAccepted(String commandId, String alertKey, String type, @Nullable Long incident) {
}
