package com.gds.alerting.service.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.micronaut.core.annotation.Creator;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/**
 * One page of a list: the items, how many matched in all, and where the page starts.
 * {@code state_counts} and {@code severity_counts} count the alerts per state (over the alerts the
 * other filters select, every state included) and per severity (over the alerts the other filters
 * select): the console's filter chips. Every member is always in the JSON, zeros and empty lists
 * included: {@code items} is {@code []} when nothing matches, {@code severity_counts} has every
 * severity, {@code state_counts} every state the query reads (see {@code AlertQueries#localPage}).
 * The counts are absent only in answers from an older instance.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AlertPage(List<AlertView> items, int total, int offset, int limit,
                        @Nullable Map<String, Integer> stateCounts, @Nullable Map<String, Integer> severityCounts) {

    /** An older instance leaves an empty list out of its JSON: read it as empty. */
    @Creator
    public AlertPage {
        items = items == null ? List.of() : items;
    }

    public AlertPage(List<AlertView> items, int total, int offset, int limit) {
        this(items, total, offset, limit, null, null);
    }
}
