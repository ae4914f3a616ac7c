package com.gds.alerting.service.api;

import java.util.List;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/** One page of SLOs per instance, the least error budget left first. */
@Serdeable(naming = SnakeCaseStrategy.class)
public record SloPage(List<SloView> items, int total, int offset, int limit) {

    /** An empty list is left out of the JSON, so an instance with no match sends no {@code items}: read it as empty. */
    public SloPage {
        items = items == null ? List.of() : items;
    }
}
