package com.gds.alerting.service.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/**
 * The answer to an ack or resolve. The command is on {@code gds.alerts.commands} in every case;
 * the rest is the topology's verdict from {@code gds.alerts.command-results} when it came in time:
 * {@code outcome} APPLIED (HTTP 200, {@code state} is the alert's state after it) or REJECTED
 * (HTTP 409, {@code rejection} and {@code message} say why); without a verdict (HTTP 202) {@code
 * outcome} is null and the change shows on a later GET if the topology applies it.
 *
 * @param incident the alert's incident the verdict is about, or the one the request named
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record CommandAccepted(String commandId, String alertKey, String type, @Nullable Long incident,
                              @Nullable String outcome, @Nullable String rejection, @Nullable String state,
                              @Nullable String message) {

    /** Written, verdict not known. */
    public static CommandAccepted written(String commandId, String alertKey, String type, @Nullable Long incident,
                                          String message) {
        return new CommandAccepted(commandId, alertKey, type, incident, null, null, null, message);
    }
}
