package com.gds.alerting.topologies.anomaly;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalyDirection;
import com.gds.alerting.avro.AnomalySeasonality;
import com.gds.alerting.avro.AnomalySpec;
import com.gds.alerting.avro.serde.AvroClassTrust;

/**
 * Scores an anomaly detector on {@link SyntheticSeries}: runs each series through a fresh
 * {@link Baseline} and compares the detector's alerts with the labels.
 *
 * <p>An <em>alert episode</em> is a maximal run of ANOMALOUS judgements (the alert a rule with
 * {@code for: 0} would raise, from its FIRED to its RESOLVED). An episode that starts within a
 * labelled anomaly, or up to {@link #SLACK_MS} after its end, is a true positive; any other is a
 * false positive. Recall counts the labelled anomalies (after the learning period) with a true
 * positive episode; the detection delay is from the anomaly's start to its first episode's start.
 * Series-days are counted from the end of the learning period (days judged).
 */
public final class AnomalyQuality {

    /** Episodes starting this soon after a labelled anomaly's end still belong to it (the band catching up). */
    public static final long SLACK_MS = 15 * 60_000L;

    /** The figures of one algorithm x seasonality over a set of series. */
    public record Figures(int series, double seriesDays, int labelled, int detected, int episodes, int truePositives,
                          int falsePositives, int seriesDaysWithFalsePositive, List<Long> delaysMs) {

        public double precision() {
            return episodes == 0 ? 1 : truePositives / (double) episodes;
        }

        public double recall() {
            return labelled == 0 ? 1 : detected / (double) labelled;
        }

        public double falsePositivesPerSeriesDay() {
            return seriesDays == 0 ? 0 : falsePositives / seriesDays;
        }

        /** Fraction of judged series-days with at least one false positive. */
        public double falsePositiveDayRate() {
            return seriesDays == 0 ? 0 : seriesDaysWithFalsePositive / seriesDays;
        }

        public double medianDelayMinutes() {
            if (delaysMs.isEmpty()) {
                return Double.NaN;
            }
            List<Long> sorted = new ArrayList<>(delaysMs);
            sorted.sort(null);
            return sorted.get(sorted.size() / 2) / 60_000.0;
        }
    }

    private AnomalyQuality() {
    }

    /** The rule settings at their defaults (schema defaults) with the given algorithm and seasonality. */
    public static AnomalySpec defaults(AnomalyAlgorithm algorithm, AnomalySeasonality seasonality, ZoneId zone) {
        AvroClassTrust.install();
        return AnomalySpec.newBuilder().setAlgorithm(algorithm).setSeasonality(seasonality).setTimeZone(zone.getId())
                .setDirection(AnomalyDirection.BOTH).build();
    }

    /**
     * The series each seasonality is for: flat for NONE, a daily cycle for DAILY, daily and weekly for
     * WEEKLY ({@link SyntheticSeries.Spec#weeklySeasonal}): the default {@code min_history} of quiet
     * learning, then {@code judgedDays} with {@code anomaliesPerWeek} labelled anomalies.
     */
    public static SyntheticSeries.Spec seriesFor(AnomalySeasonality seasonality, int judgedDays, double anomaliesPerWeek) {
        int learningDays = (int) (AnomalyDetector.defaultMinHistoryMs(seasonality) / 86_400_000L);
        SyntheticSeries.Spec spec = SyntheticSeries.Spec.weeklySeasonal(learningDays + judgedDays, learningDays,
                anomaliesPerWeek);
        return switch (seasonality) {
            case NONE -> spec.withDailyAmplitude(0).withWeekendFactor(1);
            case DAILY -> spec.withWeekendFactor(1);
            case WEEKLY -> spec;
        };
    }

    /** Scores {@code spec} on {@code series} series generated from {@code seriesSpec} with seeds {@code seed}, {@code seed + 1}, .... */
    public static Figures score(AnomalySpec spec, SyntheticSeries.Spec seriesSpec, int series, long seed) {
        AnomalyDetector detector = new AnomalyDetector(AnomalyDetector.Settings.of(spec));
        long learnedAt = seriesSpec.start() + detector.settings().minHistoryMs();
        long end = seriesSpec.start() + seriesSpec.days() * 86_400_000L;
        double days = Math.max(0, (end - learnedAt) / 86_400_000.0);
        int labelled = 0;
        int detected = 0;
        int episodes = 0;
        int tp = 0;
        int fp = 0;
        int fpDays = 0;
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < series; i++) {
            SyntheticSeries.Generated g = SyntheticSeries.generate(seriesSpec, seed + i);
            Baseline baseline = detector.newBaseline();
            List<long[]> found = new ArrayList<>();
            long episodeStart = -1;
            for (SyntheticSeries.Sample s : g.samples()) {
                boolean anomalous = detector.judge(baseline, s.at(), s.value(), episodeStart >= 0).state()
                        == AnomalyDetector.State.ANOMALOUS;
                if (anomalous && episodeStart < 0) {
                    episodeStart = s.at();
                } else if (!anomalous && episodeStart >= 0) {
                    found.add(new long[] {episodeStart, s.at()});
                    episodeStart = -1;
                }
            }
            if (episodeStart >= 0) {
                found.add(new long[] {episodeStart, end});
            }
            Set<Long> fpDaySet = new HashSet<>();
            boolean[] hit = new boolean[g.anomalies().size()];
            for (long[] e : found) {
                episodes++;
                int owner = -1;
                for (int a = 0; a < g.anomalies().size(); a++) {
                    SyntheticSeries.Anomaly an = g.anomalies().get(a);
                    if (e[0] >= an.start() && e[0] < an.end() + SLACK_MS) {
                        owner = a;
                        break;
                    }
                }
                if (owner >= 0) {
                    tp++;
                    if (!hit[owner]) {
                        hit[owner] = true;
                        delays.add(e[0] - g.anomalies().get(owner).start());
                    }
                } else {
                    fp++;
                    fpDaySet.add(Math.floorDiv(e[0] - seriesSpec.start(), 86_400_000L));
                }
            }
            fpDays += fpDaySet.size();
            for (int a = 0; a < g.anomalies().size(); a++) {
                if (g.anomalies().get(a).start() >= learnedAt) {
                    labelled++;
                    if (hit[a]) {
                        detected++;
                    }
                }
            }
        }
        return new Figures(series, series * days, labelled, detected, episodes, tp, fp, fpDays, delays);
    }
}
