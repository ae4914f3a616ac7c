package com.gds.alerting.service.api;

import java.time.Instant;
import java.util.List;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;

/**
 * A new silence, Alertmanager's fields: matchers, start (default now), end (none = maintenance
 * mode, cleared by deleting it), who and why.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record SilenceRequest(@NotEmpty List<@Valid MatcherBody> matchers,
                             @Nullable Instant startsAt, @Nullable Instant endsAt,
                             @NotBlank String createdBy, @NotBlank String comment) {

    /** {@code label op value}, op one of {@code = != =~ !~}. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record MatcherBody(@NotBlank String label, @NotBlank @Pattern(regexp = "=|!=|=~|!~") String op, String value) {
    }
}
