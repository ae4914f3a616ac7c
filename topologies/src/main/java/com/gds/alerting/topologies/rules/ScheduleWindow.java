package com.gds.alerting.topologies.rules;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * When a schedule's conditions replace the rule's defaults: on the given weekdays (all when none
 * are given), from {@code start} inclusive to {@code end} exclusive, wall-clock time in a zone.
 * When {@code end <= start} the window runs past midnight into the next day, and the weekday that
 * counts is the day it started. Comparing local times makes DST days behave as people read a
 * clock: on the spring-forward day a window from 02:30 opens at 03:00, the first local time at or
 * after 02:30; on the fall-back day the repeated hour is inside a window that covers it twice.
 */
public record ScheduleWindow(ZoneId zone, Set<DayOfWeek> days, LocalTime start, LocalTime end, Levels levels) {

    public boolean contains(long epochMillis) {
        ZonedDateTime local = Instant.ofEpochMilli(epochMillis).atZone(zone);
        LocalTime time = local.toLocalTime();
        DayOfWeek day = local.getDayOfWeek();
        if (start.isBefore(end)) {
            return !time.isBefore(start) && time.isBefore(end) && onDay(day);
        }
        if (!time.isBefore(start)) {
            return onDay(day);
        }
        return time.isBefore(end) && onDay(day.minus(1));
    }

    private boolean onDay(DayOfWeek day) {
        return days.isEmpty() || days.contains(day);
    }

    static Set<DayOfWeek> days(Iterable<com.gds.alerting.avro.Weekday> weekdays) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (com.gds.alerting.avro.Weekday weekday : weekdays) {
            days.add(DayOfWeek.valueOf(weekday.name()));
        }
        return days;
    }
}
