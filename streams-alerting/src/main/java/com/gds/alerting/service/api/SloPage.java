package com.gds.alerting.service.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/** One page of SLOs per instance, the least error budget left first; every member always in the JSON ({@code items: []} when none). */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SloPage(List<SloView> items, int total, int offset, int limit) {

    /** An older instance leaves an empty list out of its JSON: read it as empty. */
    public SloPage {
        items = items == null ? List.of() : items;
    }
}
