package com.gds.alerting.topologies.anomaly;

import java.time.ZoneId;

import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalyDirection;
import com.gds.alerting.avro.AnomalySeasonality;
import com.gds.alerting.avro.AnomalySpec;

/**
 * Judges a sample against a series' {@link Baseline} and then learns from it. Pure: the same
 * samples in the same order give the same judgements and the same baseline bytes (no wall clock).
 *
 * <p>The expected value and scale at a time are interpolated linearly between the centres of the
 * two nearest hour buckets (a bucket that is not ready yet leaves the other alone); with seasonality
 * the baseline's level offset is added to the expected value ({@link Baseline#offset}), and a ROBUST
 * scale is at least the MAD of the recent residuals ({@link Baseline#residualScale}). A sample is
 * <em>out of band</em> when its deviation in the rule's direction exceeds the half-width
 * {@code max(bounds x scale, min_deviation)}; the verdict is a breach once {@code confirm_samples}
 * consecutive samples were out of band, and a firing alert holds while the deviation exceeds
 * {@code max(recovery_bounds x scale, min_deviation)} (hysteresis).
 *
 * <p>Anomalies must not drag the baseline: once judging, every sample is learned <em>clipped to
 * the band</em> (winsorised) into the bucket of its hour; out-of-band samples are left out of
 * the residuals (the level offset and the robust scale) and of the ADAPTIVE variance, so an anomaly
 * neither widens the band nor displaces it once it ends. A spike then moves the baseline no more
 * than a sample at the band's edge would; a lasting level shift is learned at that bounded pace,
 * so the band follows it within about one span (ADAPTIVE) or half a ring (ROBUST: half the seasons
 * it spans) of the bucket's samples, and the alert resolves then. While learning, samples are learned as they are.
 */
public final class AnomalyDetector {

    /** The rule's anomaly settings, defaults applied. */
    public record Settings(AnomalyAlgorithm algorithm, AnomalySeasonality seasonality, ZoneId zone, double bounds,
                           double recoveryBounds, AnomalyDirection direction, double minDeviation, long minHistoryMs,
                           int confirmSamples) {

        public static Settings of(AnomalySpec spec) {
            return new Settings(spec.getAlgorithm(), spec.getSeasonality(), ZoneId.of(spec.getTimeZone()), spec.getBounds(),
                    spec.getRecoveryBounds() == null ? spec.getBounds() : spec.getRecoveryBounds(), spec.getDirection(),
                    spec.getMinDeviation(),
                    spec.getMinHistoryMs() == null ? defaultMinHistoryMs(spec.getSeasonality()) : spec.getMinHistoryMs(),
                    spec.getConfirmSamples());
        }
    }

    /** What the baseline says about one sample. */
    public enum State {
        /** Not judged: less history than {@code min_history}, or the hour's buckets are not ready. */
        LEARNING,
        /** Within the band, or out of it for fewer than {@code confirm_samples} samples. */
        NORMAL,
        /** A breach: out of band for {@code confirm_samples} samples, or still beyond the recovery band while firing. */
        ANOMALOUS
    }

    /**
     * One judgement. {@code expected}, {@code lower}, {@code upper} and {@code deviation} are NaN
     * while learning.
     *
     * @param deviation   {@code (value - expected) / scale}, signed
     * @param directional the deviation in the rule's direction ({@code |deviation|} for BOTH): the alert's value
     */
    public record Judgement(State state, double expected, double lower, double upper, double deviation,
                            double directional) {
    }

    private static final long HOUR_MS = 3_600_000L;
    private static final long DAY_MS = 24 * HOUR_MS;

    private final Settings settings;
    private final SeasonalClock clock;

    public AnomalyDetector(Settings settings) {
        this.settings = settings;
        this.clock = new SeasonalClock(settings.seasonality(), settings.zone());
    }

    public Settings settings() {
        return settings;
    }

    /** History before judging when the rule does not say: a day, three days, three weeks. */
    public static long defaultMinHistoryMs(AnomalySeasonality seasonality) {
        return switch (seasonality) {
            case NONE -> DAY_MS;
            case DAILY -> 3 * DAY_MS;
            case WEEKLY -> 21 * DAY_MS;
        };
    }

    /** A fresh baseline for these settings. */
    public Baseline newBaseline() {
        return Baseline.empty(settings.algorithm(), settings.seasonality());
    }

    /** Whether a stored baseline was learned with these settings' algorithm and seasonality (else it starts over). */
    public boolean fits(Baseline baseline) {
        return baseline.algorithm() == settings.algorithm() && baseline.seasonality() == settings.seasonality();
    }

    /**
     * Judges {@code value} at {@code at} and learns it into {@code baseline}. The caller skips late
     * samples ({@code at <= baseline.lastAt()}) and NaN values.
     *
     * @param firing whether the series' alert fires now (hysteresis)
     */
    public Judgement judge(Baseline baseline, long at, double value, boolean firing) {
        double position = clock.position(at);
        int buckets = clock.buckets();
        Baseline.Estimate estimate = buckets == 1 ? baseline.estimate(0) : interpolated(baseline, position, buckets);
        boolean learning = baseline.firstAt() == Long.MIN_VALUE || at - baseline.firstAt() < settings.minHistoryMs()
                || estimate == null;
        baseline.seen(at);
        if (learning) {
            baseline.streak(0);
            if (estimate != null) {
                baseline.learnResidual(value - estimate.expected());
            }
            baseline.learn(position, clock.period(at), value);
            return new Judgement(State.LEARNING, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double seasonal = estimate.expected();
        double expected = seasonal + baseline.offset();
        double spread = Double.isNaN(baseline.residualScale()) ? estimate.scale()
                : Math.max(estimate.scale(), baseline.residualScale());
        double scale = Math.max(spread, 1e-9 * Math.max(1, Math.abs(expected)));
        double halfWidth = Math.max(settings.bounds() * scale, settings.minDeviation());
        double holdWidth = Math.max(settings.recoveryBounds() * scale, settings.minDeviation());
        double deviation = (value - expected) / scale;
        double diff = switch (settings.direction()) {
            case ABOVE -> value - expected;
            case BELOW -> expected - value;
            case BOTH -> Math.abs(value - expected);
        };
        double directional = switch (settings.direction()) {
            case ABOVE -> deviation;
            case BELOW -> -deviation;
            case BOTH -> Math.abs(deviation);
        };
        boolean outOfBand = diff > halfWidth;
        baseline.streak(outOfBand ? baseline.streak() + 1 : 0);
        boolean anomalous = baseline.streak() >= settings.confirmSamples() || firing && diff > holdWidth;
        double clipped = Math.max(expected - halfWidth, Math.min(expected + halfWidth, value));
        boolean ordinary = Math.abs(value - expected) <= halfWidth;
        if (ordinary) {
            // The offset and the robust scale follow the series' ordinary error only: an anomaly that pulled
            // them would leave the band displaced (and page) once it ends.
            baseline.learnResidual(value - seasonal);
        }
        baseline.learn(position, clock.period(at), clipped, ordinary);
        return new Judgement(anomalous ? State.ANOMALOUS : State.NORMAL, expected, expected - halfWidth,
                expected + halfWidth, deviation, directional);
    }

    /** The estimate between the centres of the two buckets around {@code position}; null when neither is ready. */
    private static Baseline.Estimate interpolated(Baseline baseline, double position, int buckets) {
        double u = position - 0.5;
        double floor = Math.floor(u);
        int a = Math.floorMod((int) floor, buckets);
        int b = (a + 1) % buckets;
        double w = u - floor;
        Baseline.Estimate ea = baseline.estimate(a);
        Baseline.Estimate eb = baseline.estimate(b);
        if (ea == null) {
            return eb;
        }
        if (eb == null) {
            return ea;
        }
        return new Baseline.Estimate((1 - w) * ea.expected() + w * eb.expected(), (1 - w) * ea.scale() + w * eb.scale());
    }
}
