package com.gds.alerting.service.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.gds.alerting.service.api.SeriesView.Point;

class MetricSeriesReaderTest {

    private static final Instant FROM = Instant.parse("2026-03-02T10:00:00Z");

    @Test
    void downsamplingKeepsEachBucketsMinimumAndMaximumInTimeOrderSoASpikeSurvives() {
        List<Point> points = new ArrayList<>();
        for (int s = 0; s < 600; s++) {
            points.add(new Point(FROM.plusSeconds(s), s == 450 ? 99 : 1 + (s % 3)));
        }
        List<Point> shown = MetricSeriesReader.downsample(points, FROM, FROM.plusSeconds(600), 20);
        assertEquals(20, shown.size(), "10 buckets, a minimum and a maximum each");
        assertEquals(99, shown.stream().mapToDouble(Point::v).max().orElseThrow(), "the one-second spike is kept");
        assertEquals(1, shown.stream().mapToDouble(Point::v).min().orElseThrow());
        for (int i = 1; i < shown.size(); i++) {
            assertEquals(true, !shown.get(i).t().isBefore(shown.get(i - 1).t()), "in time order at " + i);
        }
    }

    @Test
    void aBucketWithOneSampleGivesOnePoint() {
        List<Point> points = List.of(new Point(FROM.plusSeconds(10), 5), new Point(FROM.plusSeconds(590), 7));
        assertEquals(points, MetricSeriesReader.downsample(points, FROM, FROM.plusSeconds(600), 10));
    }
}
