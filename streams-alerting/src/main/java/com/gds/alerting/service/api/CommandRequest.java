package com.gds.alerting.service.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * The body of an ack or resolve: who, why, and optionally the incident it is meant for (an ack
 * from a stale screen must not acknowledge a newer incident).
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record CommandRequest(@NotBlank @Size(max = 200) String by,
                             @Nullable @Size(max = 4000) String comment,
                             @Nullable @Positive Long incident) {
}
