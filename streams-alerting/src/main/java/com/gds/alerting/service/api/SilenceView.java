package com.gds.alerting.service.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Silence;

/**
 * A silence as {@code GET /api/v1/silences} shows it: the fields of the {@code gds.silences}
 * record, matchers with the operator as a client writes it in a {@code POST} ({@code = != =~ !~}),
 * so that what is read back can be posted again. {@code ends_at} is null for maintenance mode.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SilenceView(String silenceId, List<MatcherView> matchers, Instant startsAt, @Nullable Instant endsAt,
                          String createdBy, String comment, Instant createdAt) {

    /** {@code label op value}, {@code op} one of {@code = != =~ !~}. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record MatcherView(String label, String op, String value) {
    }

    public static SilenceView of(Silence s) {
        return new SilenceView(s.getSilenceId(),
                s.getMatchers().stream().map(m -> new MatcherView(m.getLabel(), symbol(m.getOp()), m.getValue())).toList(),
                s.getStartsAt(), s.getEndsAt(), s.getCreatedBy(), s.getComment(), s.getCreatedAt());
    }

    /** The operator as the API writes it; the inverse of {@link #op}. */
    public static String symbol(MatchOp op) {
        return switch (op) {
            case EQ -> "=";
            case NEQ -> "!=";
            case RE -> "=~";
            case NRE -> "!~";
        };
    }

    /** The operator of a {@code POST}; {@code SilenceRequest} admits only these four. */
    public static MatchOp op(String symbol) {
        return switch (symbol) {
            case "=" -> MatchOp.EQ;
            case "!=" -> MatchOp.NEQ;
            case "=~" -> MatchOp.RE;
            case "!~" -> MatchOp.NRE;
            default -> throw new IllegalArgumentException("unknown matcher op " + symbol);
        };
    }
}
