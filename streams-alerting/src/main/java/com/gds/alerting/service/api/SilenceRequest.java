package com.gds.alerting.service.api;

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
 *
 * <p>{@code starts_at} and {@code ends_at} are ISO-8601 instants as text
 * ({@code 2026-12-07T10:00:00Z}); a number is refused rather than guessed at (seconds or
 * milliseconds?). Every other limit is {@code SilenceValidator}'s, which names the field.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record SilenceRequest(@NotEmpty List<@Valid MatcherBody> matchers,
                             @Nullable String startsAt, @Nullable String endsAt,
                             @NotBlank String createdBy, @NotBlank String comment) {

    /** {@code label op value}, op one of {@code = != =~ !~}; the value is required (it may be {@code ""}). */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record MatcherBody(@NotBlank String label, @NotBlank @Pattern(regexp = "=|!=|=~|!~") String op,
                              @Nullable String value) {
    }
}
