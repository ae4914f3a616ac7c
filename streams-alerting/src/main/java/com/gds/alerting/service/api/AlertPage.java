package com.gds.alerting.service.api;

import java.util.List;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/** One page of a list: the items, how many matched in all, and where the page starts. */
@Serdeable(naming = SnakeCaseStrategy.class)
public record AlertPage(List<AlertView> items, int total, int offset, int limit) {
}
