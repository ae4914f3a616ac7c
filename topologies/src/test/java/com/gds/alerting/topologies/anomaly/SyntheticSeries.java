package com.gds.alerting.topologies.anomaly;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded synthetic metric series with known structure and labelled anomalies: a level with daily
 * and weekly seasonality (in a time zone), a linear trend, autocorrelated Gaussian noise
 * (AR(1), as real gauges are), dropouts (gaps with no sample) and, after a quiet learning period,
 * labelled anomalies: spikes (minutes, far outside the noise), dips, and temporary level shifts
 * (hours). The same seed gives the same series.
 */
public final class SyntheticSeries {

    /** One sample. */
    public record Sample(long at, double value) {
    }

    /** A labelled anomaly: the samples in {@code [start, end)} are abnormal. */
    public record Anomaly(long start, long end, Kind kind) {
    }

    public enum Kind { SPIKE, DIP, LEVEL_SHIFT }

    /** A generated series and its labels. */
    public record Generated(List<Sample> samples, List<Anomaly> anomalies) {
    }

    /**
     * What to generate.
     *
     * @param start         first sample time (epoch ms)
     * @param days          length
     * @param intervalMs    sample period
     * @param zone          local time of the seasonality
     * @param level         mean level
     * @param dailyAmplitude relative amplitude of the daily cycle (0 = none), peak at 14:00 local
     * @param weekendFactor  level factor on Saturday and Sunday (1 = no weekly cycle), ramped in and out over the
     *                       four hours around midnight
     * @param trendPerDay   relative change of the level per day
     * @param noise         standard deviation of the noise (marginal)
     * @param ar            AR(1) coefficient of the noise
     * @param dropoutsPerWeek gaps (10 - 60 min without samples) per week
     * @param quietDays     days at the start without anomalies (the detector's learning)
     * @param anomaliesPerWeek labelled anomalies per week after the quiet days (0 = anomaly-free)
     */
    public record Spec(long start, int days, long intervalMs, ZoneId zone, double level, double dailyAmplitude,
                       double weekendFactor, double trendPerDay, double noise, double ar, double dropoutsPerWeek,
                       int quietDays, double anomaliesPerWeek) {

        /** A business-hours gauge: daily cycle ±30%, weekends at 60%, 0.1% growth a day, noise 3% of the level. */
        public static Spec weeklySeasonal(int days, int quietDays, double anomaliesPerWeek) {
            return new Spec(ZonedDateTime.parse("2026-01-05T00:00:00Z").toInstant().toEpochMilli(), days, 60_000,
                    ZoneId.of("Europe/Paris"), 100, 0.3, 0.6, 0.001, 3, 0.5, 2, quietDays, anomaliesPerWeek);
        }

        public Spec withDailyAmplitude(double a) {
            return new Spec(start, days, intervalMs, zone, level, a, weekendFactor, trendPerDay, noise, ar, dropoutsPerWeek,
                    quietDays, anomaliesPerWeek);
        }

        public Spec withWeekendFactor(double f) {
            return new Spec(start, days, intervalMs, zone, level, dailyAmplitude, f, trendPerDay, noise, ar, dropoutsPerWeek,
                    quietDays, anomaliesPerWeek);
        }

        public Spec withInterval(long ms) {
            return new Spec(start, days, ms, zone, level, dailyAmplitude, weekendFactor, trendPerDay, noise, ar,
                    dropoutsPerWeek, quietDays, anomaliesPerWeek);
        }
    }

    private SyntheticSeries() {
    }

    /** The noise-free value at {@code at}: level, trend, daily and weekly cycle. */
    public static double expected(Spec spec, long at) {
        ZonedDateTime local = java.time.Instant.ofEpochMilli(at).atZone(spec.zone());
        double hour = local.getHour() + local.getMinute() / 60.0 + local.getSecond() / 3600.0;
        double days = (at - spec.start()) / 86_400_000.0;
        double v = spec.level() * (1 + spec.trendPerDay() * days);
        v *= 1 + spec.dailyAmplitude() * Math.sin(2 * Math.PI * (hour - 8) / 24);
        // Hours into the week from Monday 00:00; the weekend level ramps in linearly over the four hours
        // around Saturday 00:00 and out over those around Monday 00:00.
        double week = (local.getDayOfWeek().getValue() - 1) * 24 + hour;
        double weekend = Math.max(0, Math.min(1, Math.min((week - 118) / 4, (170 - week) / 4)));
        if (week < 2) {
            weekend = (2 - week) / 4;
        }
        return v * (1 + (spec.weekendFactor() - 1) * weekend);
    }

    public static Generated generate(Spec spec, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long end = spec.start() + spec.days() * 86_400_000L;
        long weekMs = 7 * 86_400_000L;
        List<long[]> gaps = new ArrayList<>();
        int dropouts = poisson(random, spec.dropoutsPerWeek() * spec.days() / 7.0);
        for (int i = 0; i < dropouts; i++) {
            long s = spec.start() + (long) (random.nextDouble() * (end - spec.start()));
            gaps.add(new long[] {s, s + (10 + random.nextInt(51)) * 60_000L});
        }
        List<Anomaly> anomalies = new ArrayList<>();
        long from = spec.start() + spec.quietDays() * 86_400_000L;
        if (spec.anomaliesPerWeek() > 0 && from < end) {
            int n = poisson(random, spec.anomaliesPerWeek() * (end - from) / (double) weekMs);
            for (int i = 0; i < n; i++) {
                long s = from + (long) (random.nextDouble() * (end - from - 8 * 3_600_000L));
                s -= Math.floorMod(s - spec.start(), spec.intervalMs());
                double pick = random.nextDouble();
                Kind kind = pick < 0.45 ? Kind.SPIKE : pick < 0.7 ? Kind.DIP : Kind.LEVEL_SHIFT;
                long duration = kind == Kind.LEVEL_SHIFT ? (2 + random.nextInt(5)) * 3_600_000L
                        : (5 + random.nextInt(26)) * 60_000L;
                Anomaly a = new Anomaly(s, s + duration, kind);
                if (anomalies.stream().noneMatch(o -> o.start() < a.end() + 3_600_000L && a.start() < o.end() + 3_600_000L)) {
                    anomalies.add(a);
                }
            }
        }
        anomalies.sort(java.util.Comparator.comparingLong(Anomaly::start));
        double[] magnitude = new double[anomalies.size()];
        for (int i = 0; i < magnitude.length; i++) {
            magnitude[i] = switch (anomalies.get(i).kind()) {
                case SPIKE -> (6 + 6 * random.nextDouble()) * spec.noise();
                case DIP -> -(6 + 6 * random.nextDouble()) * spec.noise();
                case LEVEL_SHIFT -> (random.nextBoolean() ? 1 : -1) * (5 + 3 * random.nextDouble()) * spec.noise();
            };
        }
        List<Sample> samples = new ArrayList<>();
        double innovation = spec.noise() * Math.sqrt(1 - spec.ar() * spec.ar());
        double noise = random.nextGaussian() * spec.noise();
        for (long t = spec.start(); t < end; t += spec.intervalMs()) {
            noise = spec.ar() * noise + innovation * random.nextGaussian();
            final long at = t;
            if (gaps.stream().anyMatch(g -> at >= g[0] && at < g[1])) {
                continue;
            }
            double v = expected(spec, t) + noise;
            for (int i = 0; i < magnitude.length; i++) {
                Anomaly a = anomalies.get(i);
                if (t >= a.start() && t < a.end()) {
                    v += magnitude[i];
                }
            }
            samples.add(new Sample(t, v));
        }
        return new Generated(samples, anomalies);
    }

    private static int poisson(SplittableRandom random, double mean) {
        double l = Math.exp(-mean);
        double p = random.nextDouble();
        int k = 0;
        double cumulative = l;
        double term = l;
        while (p > cumulative && k < 10_000) {
            k++;
            term *= mean / k;
            cumulative += term;
        }
        return k;
    }
}
