package com.gds.alerting.service.api;

import java.time.Instant;
import java.util.List;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

/**
 * An alert's recent values, read back from its metrics topic: the samples of its series (instance
 * and metric) with an event time in [{@code from}, {@code to}], oldest first. {@code truncated}
 * says the read stopped early (record or time budget), so older samples may be missing;
 * {@code downsampled} that each point pair is the minimum and maximum of a time bucket.
 * {@code reason} says why there are no points when the series cannot be located.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record SeriesView(String alertKey, String instanceId, String metricName, @Nullable String topic,
                         int partition, Instant from, Instant to, List<Point> points, long scanned,
                         boolean truncated, boolean downsampled, @Nullable Double threshold, @Nullable String reason) {

    /** One sample: event time and value. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record Point(Instant t, double v) {
    }
}
