package com.gds.alerting.topologies.anomaly;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

import com.gds.alerting.avro.AnomalySeasonality;

/**
 * Where a time falls in a series' season, in hours: {@code [0, 1)} without seasonality, the hour of
 * the day {@code [0, 24)} (DAILY) or of the week from Monday 00:00 {@code [0, 168)} (WEEKLY), in
 * local time of a zone. A DST day has 23 or 25 hours; the baseline is per local hour, so the
 * repeated hour learns twice and the skipped one not that day.
 */
public final class SeasonalClock {

    private static final long SECONDS_PER_DAY = 86_400;
    /** 1970-01-01 was a Thursday: day 0 is weekday 3 counting Monday as 0. */
    private static final int EPOCH_WEEKDAY = 3;

    private final AnomalySeasonality seasonality;
    private final ZoneRules zone;

    public SeasonalClock(AnomalySeasonality seasonality, ZoneId zone) {
        this.seasonality = seasonality;
        this.zone = zone.getRules();
    }

    /** Buckets (hours) in one season: 1, 24 or 168. */
    public static int buckets(AnomalySeasonality seasonality) {
        return switch (seasonality) {
            case NONE -> 1;
            case DAILY -> 24;
            case WEEKLY -> 168;
        };
    }

    public int buckets() {
        return buckets(seasonality);
    }

    /**
     * Which season {@code epochMillis} is in: the local day (DAILY) or local week from a Monday
     * (WEEKLY) since the epoch; 0 without seasonality.
     */
    public long period(long epochMillis) {
        if (seasonality == AnomalySeasonality.NONE) {
            return 0;
        }
        long epochSecond = Math.floorDiv(epochMillis, 1000L);
        long local = epochSecond + zone.getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
        long day = Math.floorDiv(local, SECONDS_PER_DAY);
        return seasonality == AnomalySeasonality.DAILY ? day : Math.floorDiv(day + EPOCH_WEEKDAY, 7);
    }

    /** The position of {@code epochMillis} in the season, in hours ({@code [0, buckets)}). */
    public double position(long epochMillis) {
        if (seasonality == AnomalySeasonality.NONE) {
            return 0.5;
        }
        long epochSecond = Math.floorDiv(epochMillis, 1000L);
        long local = epochSecond + zone.getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
        double hourOfDay = (Math.floorMod(local, SECONDS_PER_DAY) + Math.floorMod(epochMillis, 1000L) / 1000.0) / 3600.0;
        if (seasonality == AnomalySeasonality.DAILY) {
            return hourOfDay;
        }
        long weekday = Math.floorMod(Math.floorDiv(local, SECONDS_PER_DAY) + EPOCH_WEEKDAY, 7);
        return weekday * 24 + hourOfDay;
    }
}
