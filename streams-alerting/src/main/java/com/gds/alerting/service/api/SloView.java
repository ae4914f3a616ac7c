package com.gds.alerting.service.api;

import java.time.Instant;
import java.util.List;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import com.gds.alerting.avro.internal.SloStatus;

/**
 * An SLO of one instance: the SLI and burn rate per window (the burn-rate windows, then the
 * period) and the error budget left over the period, as of {@code updated_at} (event time).
 * {@code covered_ms} below {@code window_ms} means the window is only partly filled.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record SloView(String ruleId, String instanceId, double objective, long periodMs, Instant firstSampleAt,
                      Instant updatedAt, List<Window> windows, @Nullable Double errorBudgetRemaining, boolean stale) {

    /** One window's figures. */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record Window(long windowMs, double events, double badEvents, @Nullable Double sli, @Nullable Double burnRate,
                         long coveredMs) {
    }

    public static SloView of(SloStatus s, boolean stale) {
        return new SloView(s.getRuleId(), s.getInstanceId(), s.getObjective(), s.getPeriodMs(),
                Instant.ofEpochMilli(s.getFirstSampleAt()), Instant.ofEpochMilli(s.getUpdatedAt()),
                s.getWindows().stream().map(w -> new Window(w.getWindowMs(), w.getEvents(), w.getBadEvents(), w.getSli(),
                        w.getBurnRate(), w.getCoveredMs())).toList(), s.getErrorBudgetRemaining(), stale);
    }

    public SloView asStale() {
        return new SloView(ruleId, instanceId, objective, periodMs, firstSampleAt, updatedAt, windows, errorBudgetRemaining, true);
    }
}
