package com.gds.alerting.service.api;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import com.gds.alerting.avro.AnomalySeasonality;
import com.gds.alerting.avro.ForecastSpec;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.topologies.anomaly.AnomalyDetector;
import com.gds.alerting.topologies.anomaly.Baseline;
import com.gds.alerting.topologies.anomaly.SeasonalClock;
import com.gds.alerting.topologies.anomaly.TrendWindow;

/**
 * What an ANOMALY or FORECAST rule has learned about one series ({@code GET /api/v1/alerts/{key}/baseline}):
 * exactly one of {@code anomaly} and {@code forecast} is set, after {@code kind}. Decoded and judged with the
 * topology's own code ({@link Baseline}, {@link AnomalyDetector}, {@link TrendWindow}), so the figures are the
 * ones the rule judges the next sample with.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
public record BaselineView(String alertKey, String ruleId, String kind, @Nullable Anomaly anomaly,
                           @Nullable Forecast forecast, boolean stale) {

    /**
     * An anomaly baseline. {@code state} is {@code LEARNING} until the newest sample is {@code min_history_ms}
     * after the first ({@code judging_from}), then {@code JUDGING}. {@code samples} is what the buckets hold
     * (each capped at its span or ring), {@code offset} the level offset added to a seasonal expectation,
     * {@code residual_scale} the ROBUST residuals' scale (null for ADAPTIVE or too few residuals),
     * {@code streak} the consecutive out-of-band samples so far.
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record Anomaly(String algorithm, String seasonality, String timeZone, double bounds, double recoveryBounds,
                          String direction, double minDeviation, long minHistoryMs, int confirmSamples, String state,
                          @Nullable Instant firstSampleAt, @Nullable Instant newestSampleAt, @Nullable Instant judgingFrom,
                          long samples, double offset, @Nullable Double residualScale, int streak, List<Bucket> buckets) {
    }

    /**
     * One hour bucket: {@code hour} of the day (DAILY), of the week from Monday 00:00 (WEEKLY), or 0 (NONE), in
     * {@code time_zone}; its own {@code expected} value and {@code scale} (null while it holds fewer than
     * {@value Baseline#MIN_BUCKET_SAMPLES} samples); and the band the rule would judge a sample at the bucket's
     * centre ({@code hh:30}) with now, at the rule's current bounds: {@code band_expected} (interpolated between
     * hour centres, plus the level offset) and {@code lower} / {@code upper} = {@code band_expected} ∓
     * max(bounds × scale, min_deviation). The band is null while the baseline is LEARNING or neither
     * neighbouring bucket is ready.
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record Bucket(int hour, int samples, @Nullable Double expected, @Nullable Double scale,
                         @Nullable Double bandExpected, @Nullable Double lower, @Nullable Double upper) {
    }

    /**
     * A forecast window: the rule's limit, {@code op}, window and horizon; the window's {@code samples}
     * ({@code truncated} when it held more than {@value TrendWindow#MAX_SAMPLES} and dropped its oldest) and
     * newest sample time; and, with at least two samples, the least-squares line as {@code predict_linear}
     * fits it: {@code slope_per_second}, {@code intercept} (the line's value at the newest sample),
     * {@code seconds_to_cross} (0 when already beyond the limit, null when the line does not head for it),
     * {@code predicted_crossing_at}, and {@code within_horizon} (the verdict of the newest sample, given at least
     * {@code min_samples} samples).
     */
    @Serdeable(naming = SnakeCaseStrategy.class)
    public record Forecast(double limit, String op, long windowMs, long horizonMs, int minSamples, int samples,
                           boolean truncated, @Nullable Instant newestSampleAt, @Nullable Double slopePerSecond,
                           @Nullable Double intercept, @Nullable Double secondsToCross,
                           @Nullable Instant predictedCrossingAt, boolean withinHorizon) {
    }

    public BaselineView asStale() {
        return new BaselineView(alertKey, ruleId, kind, anomaly, forecast, true);
    }

    /**
     * The anomaly baseline {@code bytes} (the store's value) of {@code alertKey} under {@code rule}.
     *
     * @throws IllegalArgumentException when the bytes are not a baseline, or one learned with another
     *                                  algorithm or seasonality than the rule's now (the next sample starts anew)
     */
    public static BaselineView anomaly(String alertKey, Rule rule, byte[] bytes, boolean stale) {
        AnomalyDetector detector = new AnomalyDetector(AnomalyDetector.Settings.of(rule.getAnomaly()));
        AnomalyDetector.Settings s = detector.settings();
        Baseline baseline = Baseline.decode(bytes);
        if (!detector.fits(baseline)) {
            throw new IllegalArgumentException("the baseline was learned as " + baseline.algorithm() + "/"
                    + baseline.seasonality() + " and the rule is now " + s.algorithm() + "/" + s.seasonality()
                    + ": its next sample starts a new baseline");
        }
        boolean seen = baseline.firstAt() != Long.MIN_VALUE;
        boolean judging = seen && baseline.lastAt() - baseline.firstAt() >= s.minHistoryMs();
        SeasonalClock clock = new SeasonalClock(s.seasonality(), s.zone());
        List<Bucket> buckets = new ArrayList<>();
        long samples = 0;
        for (int hour = 0; hour < clock.buckets(); hour++) {
            int n = baseline.samples(hour);
            samples += n;
            Baseline.Estimate own = baseline.estimate(hour);
            AnomalyDetector.Judgement band = null;
            Long at = judging ? centre(clock, s.seasonality(), s.zone(), hour, baseline.lastAt()) : null;
            if (at != null) {
                // The detector's own judgement at the bucket's centre, on a copy (judging learns the sample).
                band = detector.judge(Baseline.decode(bytes), at, own == null ? 0 : own.expected(), false);
            }
            buckets.add(new Bucket(hour, n, own == null ? null : own.expected(), own == null ? null : own.scale(),
                    band == null ? null : finite(band.expected()), band == null ? null : finite(band.lower()),
                    band == null ? null : finite(band.upper())));
        }
        Anomaly anomaly = new Anomaly(s.algorithm().name(), s.seasonality().name(), s.zone().getId(), s.bounds(),
                s.recoveryBounds(), s.direction().name(), s.minDeviation(), s.minHistoryMs(), s.confirmSamples(),
                judging ? "JUDGING" : "LEARNING", seen ? Instant.ofEpochMilli(baseline.firstAt()) : null,
                seen ? Instant.ofEpochMilli(baseline.lastAt()) : null,
                seen ? Instant.ofEpochMilli(baseline.firstAt() + s.minHistoryMs()) : null, samples, baseline.offset(),
                finite(baseline.residualScale()), baseline.streak(), List.copyOf(buckets));
        return new BaselineView(alertKey, rule.getRuleId(), rule.getKind().name(), anomaly, null, stale);
    }

    /**
     * The forecast window {@code bytes} of {@code alertKey} under {@code rule}.
     *
     * @throws IllegalArgumentException when the bytes are not a trend window
     */
    public static BaselineView forecast(String alertKey, Rule rule, byte[] bytes, boolean stale) {
        ForecastSpec spec = rule.getForecast();
        TrendWindow window = TrendWindow.decode(bytes);
        TrendWindow.Prediction p = window.predict(spec.getLimit(), spec.getOp());
        boolean within = p != null && window.size() >= spec.getMinSamples()
                && p.secondsToCross() <= spec.getHorizonMs() / 1000.0;
        Forecast forecast = new Forecast(spec.getLimit(), spec.getOp().name(), spec.getWindowMs(), spec.getHorizonMs(),
                spec.getMinSamples(), window.size(), p != null ? p.truncated() : false,
                window.size() == 0 ? null : Instant.ofEpochMilli(window.lastAt()),
                p == null ? null : finite(p.slopePerSecond()), p == null ? null : finite(p.valueNow()),
                p == null ? null : finite(p.secondsToCross()),
                p == null || p.crossingAt() == null ? null : Instant.ofEpochMilli(p.crossingAt()), within);
        return new BaselineView(alertKey, rule.getRuleId(), rule.getKind().name(), null, forecast, stale);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * The first time at or after {@code newest} whose position in the season is the centre of {@code hour}
     * ({@code hh:30} local), as {@link SeasonalClock} places it: in the season of {@code newest} or the next
     * (or the one after, when a DST change skips that half hour); null if none.
     */
    static Long centre(SeasonalClock clock, AnomalySeasonality seasonality, ZoneId zone, int hour, long newest) {
        if (seasonality == AnomalySeasonality.NONE) {
            return newest;
        }
        LocalDate day = Instant.ofEpochMilli(newest).atZone(zone).toLocalDate();
        LocalDate start = seasonality == AnomalySeasonality.DAILY ? day
                : day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        int seasonDays = seasonality == AnomalySeasonality.DAILY ? 1 : 7;
        LocalDateTime first = start.plusDays(hour / 24).atTime(hour % 24, 30);
        for (int k = 0; k <= 2 * seasonDays; k += seasonDays) {
            long at = first.plusDays(k).atZone(zone).toInstant().toEpochMilli();
            if (at >= newest && clock.position(at) == hour + 0.5) {
                return at;
            }
        }
        return null;
    }
}
