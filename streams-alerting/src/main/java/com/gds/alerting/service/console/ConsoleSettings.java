package com.gds.alerting.service.console;

import java.time.Duration;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * {@code gds.console.*}: the web console and the reads only it makes. An alert's value history
 * ({@code GET /api/v1/alerts/{key}/values}) is read back from the metrics topic, so its cost is
 * bounded here: at most {@code series-max-records} records of the instance's partition (the newest
 * ones) and {@code series-timeout} per request, {@code series-concurrency} requests at a time.
 */
@ConfigurationProperties("gds.console")
@Context
public class ConsoleSettings {

    // Created and validated at startup (@Context): an invalid value stops the service with a message
    // naming gds.console.<key>, rather than failing every alert-list request later.
    @Min(1000)
    @Max(50_000_000)
    private int seriesMaxRecords = 500_000;
    @NotNull
    private Duration seriesTimeout = Duration.ofSeconds(5);
    @Min(1)
    @Max(64)
    private int seriesConcurrency = 2;

    public int getSeriesMaxRecords() {
        return seriesMaxRecords;
    }

    public void setSeriesMaxRecords(int seriesMaxRecords) {
        this.seriesMaxRecords = seriesMaxRecords;
    }

    public Duration getSeriesTimeout() {
        return seriesTimeout;
    }

    public void setSeriesTimeout(Duration seriesTimeout) {
        this.seriesTimeout = seriesTimeout;
    }

    public int getSeriesConcurrency() {
        return seriesConcurrency;
    }

    public void setSeriesConcurrency(int seriesConcurrency) {
        this.seriesConcurrency = seriesConcurrency;
    }
}
