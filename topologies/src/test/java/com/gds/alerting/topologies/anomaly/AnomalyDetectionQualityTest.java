package com.gds.alerting.topologies.anomaly;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalySeasonality;

/**
 * The false-positive budget of the monitoring plan (below 5% of series-days) at the default
 * settings, and that labelled anomalies are found, on seeded synthetic series
 * ({@link SyntheticSeries}, scored by {@link AnomalyQuality}). The figures for every algorithm and
 * seasonality, on more series, are in docs/BENCHMARKS.md (AnomalyQualityBenchmark).
 */
class AnomalyDetectionQualityTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    static Stream<Arguments> configurations() {
        return Stream.of(AnomalyAlgorithm.values()).flatMap(a -> Stream.of(AnomalySeasonality.values())
                .map(s -> Arguments.of(a, s)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void falsePositivesOnFewerThanFivePercentOfSeriesDaysOfAnomalyFreeSeries(AnomalyAlgorithm algorithm,
                                                                            AnomalySeasonality seasonality) {
        AnomalyQuality.Figures f = AnomalyQuality.score(AnomalyQuality.defaults(algorithm, seasonality, PARIS),
                AnomalyQuality.seriesFor(seasonality, 14, 0), 6, 1_000);
        assertTrue(f.falsePositiveDayRate() < 0.05, algorithm + "/" + seasonality + ": " + f);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configurations")
    void findsMostLabelledAnomaliesWithFewFalseAlerts(AnomalyAlgorithm algorithm, AnomalySeasonality seasonality) {
        AnomalyQuality.Figures f = AnomalyQuality.score(AnomalyQuality.defaults(algorithm, seasonality, PARIS),
                AnomalyQuality.seriesFor(seasonality, 14, 3), 6, 2_000);
        assertTrue(f.labelled() >= 10, "too few labelled anomalies to judge: " + f);
        assertTrue(f.recall() >= 0.8, algorithm + "/" + seasonality + " recall: " + f);
        assertTrue(f.precision() >= 0.8, algorithm + "/" + seasonality + " precision: " + f);
    }
}
