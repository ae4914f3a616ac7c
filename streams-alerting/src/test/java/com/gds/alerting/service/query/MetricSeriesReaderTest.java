package com.gds.alerting.service.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
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

    @Test
    void theValuesOfAnAlertOfARuleWithByAreThoseOfItsSeriesOnly() {
        Metric orders = metric(Map.of("environment", "prod", "database", "orders"));
        Metric billing = metric(Map.of("environment", "prod", "database", "billing"));
        Metric untagged = metric(Map.of("environment", "prod"));
        assertEquals(true, MetricSeriesReader.ofSeries(orders, Map.of("database", "orders")));
        assertEquals(false, MetricSeriesReader.ofSeries(billing, Map.of("database", "orders")), "another database's series");
        assertEquals(true, MetricSeriesReader.ofSeries(untagged, Map.of("database", "")), "a missing tag is the empty value");
        assertEquals(true, MetricSeriesReader.ofSeries(billing, Map.of()), "a rule without by: every series of the metric");
    }

    private static Metric metric(Map<String, String> tags) {
        return Metric.newBuilder().setTimestamp(FROM).setDatabaseType("postgresql").setInstanceId("pg-1")
                .setMetricName("xid_wraparound_age").setValue(1).setTags(tags).setMetadata(new MetricMetadata(1L, "t", "c")).build();
    }
}
