package com.gds.alerting.topologies.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalyDirection;
import com.gds.alerting.avro.AnomalySeasonality;

/** The baseline's arithmetic, byte layout and seasonal clock. */
class BaselineTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    @ParameterizedTest(name = "{0} {1}: {2} bytes")
    @CsvSource({"ADAPTIVE, NONE, 48", "ADAPTIVE, DAILY, 508", "ADAPTIVE, WEEKLY, 3388",
                "ROBUST, NONE, 3108", "ROBUST, DAILY, 7296", "ROBUST, WEEKLY, 23232"})
    void hasTheDocumentedFixedSizeAndRoundTripsBitForBit(AnomalyAlgorithm algorithm, AnomalySeasonality seasonality, int bytes) {
        AnomalyDetector detector = new AnomalyDetector(new AnomalyDetector.Settings(algorithm, seasonality, PARIS, 3, 3,
                AnomalyDirection.BOTH, 0, 0, 3));
        Baseline b = detector.newBaseline();
        assertEquals(bytes, b.encode().length, "empty");
        SplittableRandom random = new SplittableRandom(7);
        long t = ZonedDateTime.parse("2026-03-02T00:00:00Z").toInstant().toEpochMilli();
        for (int i = 0; i < 5_000; i++) {
            detector.judge(b, t + i * 60_000L, 100 + random.nextGaussian() * 5, false);
        }
        byte[] encoded = b.encode();
        assertEquals(bytes, encoded.length, "after 5,000 samples: the size does not grow");
        assertArrayEquals(encoded, Baseline.decode(encoded).encode());
    }

    @Test
    void refusesBytesThatAreNotABaseline() {
        byte[] adaptive = Baseline.empty(AnomalyAlgorithm.ADAPTIVE, AnomalySeasonality.DAILY).encode();
        assertThrows(IllegalArgumentException.class, () -> Baseline.decode(Arrays.copyOf(adaptive, adaptive.length - 1)));
        adaptive[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> Baseline.decode(adaptive));
    }

    @Test
    void adaptiveIsTheExactMeanAndPopulationVarianceUntilTheSpan() {
        Baseline b = Baseline.empty(AnomalyAlgorithm.ADAPTIVE, AnomalySeasonality.NONE);
        double[] xs = {2, 4, 4, 4, 5, 5, 7, 9, 10, 10};
        for (double x : xs) {
            b.learn(0.5, 0, x);
        }
        // mean 6, population variance 72 / 10
        assertEquals(6.0, b.estimate(0).expected(), 1e-12);
        assertEquals(Math.sqrt(7.2), b.estimate(0).scale(), 1e-12);
    }

    @Test
    void robustIsTheMedianAndScaledMadOfItsRing() {
        Baseline b = Baseline.empty(AnomalyAlgorithm.ROBUST, AnomalySeasonality.NONE);
        double[] xs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 1000};
        for (double x : xs) {
            b.learn(0.5, 0, x);
        }
        assertNull(Baseline.empty(AnomalyAlgorithm.ROBUST, AnomalySeasonality.NONE).estimate(0), "an empty bucket is not ready");
        assertEquals(5.5, b.estimate(0).expected(), 1e-6, "the outlier does not move the median");
        // |x - 5.5| = 4.5 3.5 2.5 1.5 .5 .5 1.5 2.5 3.5 994.5: MAD 2.5
        assertEquals(Baseline.MAD_TO_SIGMA * 2.5, b.estimate(0).scale(), 1e-6);
    }

    @Test
    void selectionMedianEqualsTheSortedMedian() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n = 1; n < 200; n++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = random.nextInt(20); // many ties
            }
            double[] sorted = v.clone();
            Arrays.sort(sorted);
            double expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            assertEquals(expected, Baseline.median(v), "n=" + n);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "2026-03-02T00:30:00+01:00[Europe/Paris], 0.5",   // Monday 00:30 local
        "2026-03-08T23:45:00+01:00[Europe/Paris], 167.75", // Sunday 23:45
        "2026-03-29T03:30:00+02:00[Europe/Paris], 147.5",  // Sunday after the spring-forward: local 03:30
        "2026-03-06T12:00:00+01:00[Europe/Paris], 108.0"}) // Friday noon
    void weeklyPositionIsTheLocalHourOfTheWeekFromMonday(String at, double hours) {
        SeasonalClock clock = new SeasonalClock(AnomalySeasonality.WEEKLY, PARIS);
        assertEquals(hours, clock.position(ZonedDateTime.parse(at).toInstant().toEpochMilli()), 1e-9);
    }

    @Test
    void aLearnedDailyCycleIsInterpolatedBetweenHourCentres() {
        AnomalyDetector detector = new AnomalyDetector(new AnomalyDetector.Settings(AnomalyAlgorithm.ADAPTIVE,
                AnomalySeasonality.DAILY, ZoneId.of("UTC"), 3, 3, AnomalyDirection.BOTH, 0, 0, 3));
        Baseline b = detector.newBaseline();
        long day = 86_400_000L;
        // Each hour's samples are the hour number (a staircase); alternate ±0.5 so there is a spread.
        b.seen(0);
        for (int d = 0; d < 3; d++) {
            for (int m = 0; m < 1440; m++) {
                b.learn(m / 60.0, d, m / 60 + (m % 2 == 0 ? 0.5 : -0.5));
            }
        }
        long t = 3 * day + 10 * 3_600_000L; // 10:00, between the centres of hours 9 (9:30) and 10 (10:30)
        AnomalyDetector.Judgement j = detector.judge(b, t, 9.5, false);
        assertEquals(9.5, j.expected(), 1e-9, "halfway between 9 and 10");
        assertEquals(AnomalyDetector.State.NORMAL, j.state());
        assertTrue(j.upper() > 9.5 && j.lower() < 9.5);
    }
}
