package com.gds.alerting.benchmarks;

import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;

import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalySeasonality;
import com.gds.alerting.avro.AnomalySpec;
import com.gds.alerting.topologies.anomaly.AnomalyDetector;
import com.gds.alerting.topologies.anomaly.AnomalyQuality;
import com.gds.alerting.topologies.anomaly.Baseline;

/**
 * Detection quality of anomaly rules at their default settings, per algorithm and seasonality, on
 * seeded synthetic series with labelled anomalies ({@code SyntheticSeries}, scored by
 * {@code AnomalyQuality}, both from the topologies test fixtures): precision, recall, median
 * detection delay, false positives per series-day, and the share of series-days with a false
 * positive on anomaly-free series. Also the judging speed of the detector alone (no Kafka).
 *
 * <pre>
 * java -cp benchmarks/target/gds-benchmarks.jar com.gds.alerting.benchmarks.AnomalyQualityBenchmark \
 *     [--series 20] [--days 14] [--anomalies-per-week 3] [--seed 1]
 * </pre>
 *
 * <p>Each seasonality is scored on the series it is for: NONE on a flat series, DAILY on a daily
 * cycle, WEEKLY on a daily cycle with weekends at 60% (SyntheticSeries.Spec.weeklySeasonal), each
 * with 0.1% growth a day, AR(1) noise of 3% of the level, two dropouts a week, one sample a minute;
 * the learning period ({@code min_history}'s default) comes first, then {@code --days} judged days.
 */
public final class AnomalyQualityBenchmark {

    private AnomalyQualityBenchmark() {
    }

    public static void main(String[] argv) {
        Map<String, String> args = BenchArgs.parse("AnomalyQualityBenchmark", argv, "series", "days", "anomalies-per-week",
                "seed");
        int series = Integer.parseInt(args.getOrDefault("series", "20"));
        int days = Integer.parseInt(args.getOrDefault("days", "14"));
        double perWeek = Double.parseDouble(args.getOrDefault("anomalies-per-week", "3"));
        long seed = Long.parseLong(args.getOrDefault("seed", "1"));
        ZoneId zone = ZoneId.of("Europe/Paris");
        System.out.printf(Locale.ROOT, "%d series per row, %d judged days each, %.1f labelled anomalies a week, seed %d%n%n",
                series, days, perWeek, seed);
        System.out.println("| algorithm | seasonality | baseline bytes | labelled | recall | precision | median delay (min)"
                + " | FP per series-day | series-days with a FP (anomaly-free) | µs per sample |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (AnomalyAlgorithm algorithm : AnomalyAlgorithm.values()) {
            for (AnomalySeasonality seasonality : AnomalySeasonality.values()) {
                AnomalySpec spec = AnomalyQuality.defaults(algorithm, seasonality, zone);
                long started = System.nanoTime();
                AnomalyQuality.Figures labelled = AnomalyQuality.score(spec, AnomalyQuality.seriesFor(seasonality, days, perWeek), series, seed);
                long elapsed = System.nanoTime() - started;
                AnomalyQuality.Figures clean = AnomalyQuality.score(spec, AnomalyQuality.seriesFor(seasonality, days, 0), series, seed + 1_000);
                double samples = series * (days + learningDays(seasonality)) * 1440.0;
                System.out.printf(Locale.ROOT, "| %s | %s | %,d | %d | %.3f | %.3f | %.1f | %.3f | %.1f%% | %.2f |%n",
                        algorithm.name().toLowerCase(Locale.ROOT), seasonality.name().toLowerCase(Locale.ROOT),
                        Baseline.sizeBytes(algorithm, seasonality), labelled.labelled(), labelled.recall(),
                        labelled.precision(), labelled.medianDelayMinutes(), labelled.falsePositivesPerSeriesDay(),
                        100 * clean.falsePositiveDayRate(), elapsed / 1e3 / samples);
            }
        }
    }

    private static int learningDays(AnomalySeasonality seasonality) {
        return (int) (AnomalyDetector.defaultMinHistoryMs(seasonality) / 86_400_000L);
    }
}
