package com.gds.alerting.collectors.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Metric;

class SyntheticFleetTest {

    private static final Instant T0 = Instant.parse("2026-11-21T00:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(5);

    @Test
    void everyInstanceReportsUpAndCollectionDurationWithOneCorrelationIdPerCycle() {
        SyntheticFleet fleet = new SyntheticFleet(new Random(1), 24, 0);
        List<Metric> metrics = fleet.cycle(T0, INTERVAL).metrics();

        Map<String, List<Metric>> byInstance = metrics.stream().collect(Collectors.groupingBy(Metric::getInstanceId));
        assertEquals(4 * 24, byInstance.size(), "24 instances of each of the 4 database types");
        byInstance.forEach((instance, own) -> {
            assertEquals(1, own.stream().filter(m -> m.getMetricName().equals("up")).count(), instance);
            assertEquals(1.0, own.stream().filter(m -> m.getMetricName().equals("up")).findFirst().orElseThrow().getValue());
            assertTrue(own.stream().anyMatch(m -> m.getMetricName().equals("collection_duration_ms")), instance);
            assertEquals(1, own.stream().map(m -> m.getMetadata().getCorrelationId()).distinct().count(), instance);
            assertTrue(own.size() > 5, instance + " reports its database's metrics too");
            assertTrue(own.stream().allMatch(m -> m.getTimestamp().equals(T0)));
        });
        Set<String> types = metrics.stream().map(Metric::getDatabaseType).collect(Collectors.toSet());
        assertEquals(Set.of("postgresql", "mssql", "mongodb", "snowflake"), types);
        assertTrue(metrics.stream().allMatch(m -> Set.of("prod", "staging").contains(m.getTags().get("environment"))));
    }

    @Test
    void aDownInstanceReportsUpZeroAndNothingElseThenComesBackWithResetCounters() {
        SyntheticFleet fleet = new SyntheticFleet(new Random(2), 4, 0);
        double before = 0;
        for (int i = 0; i < 10; i++) {
            before = value(fleet.cycle(T0.minus(INTERVAL.multipliedBy(10 - i)), INTERVAL).metrics(), "pg-prod-01",
                    "xact_commit_total");
        }
        assertTrue(before > 0);

        fleet.startIncident("pg-prod-01", Incident.Kind.INSTANCE_DOWN, 2);
        List<Metric> down = own(fleet.cycle(T0.plus(INTERVAL), INTERVAL).metrics(), "pg-prod-01");
        assertEquals(Set.of("up", "collection_duration_ms"), down.stream().map(Metric::getMetricName).collect(Collectors.toSet()));
        assertEquals(0.0, value(down, "pg-prod-01", "up"));

        fleet.cycle(T0.plus(INTERVAL.multipliedBy(2)), INTERVAL);
        List<Metric> back = fleet.cycle(T0.plus(INTERVAL.multipliedBy(3)), INTERVAL).metrics();
        assertEquals(1.0, value(back, "pg-prod-01", "up"));
        assertTrue(value(back, "pg-prod-01", "xact_commit_total") < before, "a restarted database starts counting from zero");
    }

    @Test
    void aConnectionSpikeBreachesNinetyPercentAndTheSeriesRecoversAfterwards() {
        SyntheticFleet fleet = new SyntheticFleet(new Random(3), 4, 0);
        fleet.startIncident("sql-prod-02", Incident.Kind.CONNECTION_SPIKE, 3);
        Instant t = T0;
        for (int i = 0; i < 2; i++) {
            t = t.plus(INTERVAL);
            double ratio = value(fleet.cycle(t, INTERVAL).metrics(), "sql-prod-02", "connections_used_ratio");
            assertTrue(ratio >= 0.92 && ratio <= 0.99, "spiking: " + ratio);
        }
        double last = 1;
        for (int i = 0; i < 20; i++) {
            t = t.plus(INTERVAL);
            last = value(fleet.cycle(t, INTERVAL).metrics(), "sql-prod-02", "connections_used_ratio");
        }
        assertTrue(last < 0.6, "back near the 0.30 baseline: " + last);
    }

    @Test
    void aLaggingReplicaFallsFurtherBehindEachCycle() {
        SyntheticFleet fleet = new SyntheticFleet(new Random(4), 4, 0);
        fleet.startIncident("pg-prod-04", Incident.Kind.REPLICATION_LAG, 10);
        double previous = 0;
        for (int i = 1; i <= 5; i++) {
            double lag = value(fleet.cycle(T0.plus(INTERVAL.multipliedBy(i)), INTERVAL).metrics(), "pg-prod-04",
                    "replication_lag_seconds");
            assertTrue(lag > previous + 10, "cycle " + i + ": " + lag + " after " + previous);
            previous = lag;
        }
    }

    @Test
    void countersNeverDecreaseWhileTheInstanceIsUp() {
        SyntheticFleet fleet = new SyntheticFleet(new Random(5), 3, 0);
        double previous = -1;
        for (int i = 0; i < 50; i++) {
            double v = value(fleet.cycle(T0.plus(INTERVAL.multipliedBy(i)), INTERVAL).metrics(), "mongo-prod-01",
                    "opcounters_query_total");
            assertTrue(v >= previous, v + " after " + previous);
            previous = v;
        }
    }

    @Test
    void incidentsHappenByThemselvesAtTheConfiguredRateAndTheSameSeedGivesTheSameFleet() {
        SyntheticFleet a = new SyntheticFleet(new Random(42), 24, 0.01);
        SyntheticFleet b = new SyntheticFleet(new Random(42), 24, 0.01);
        int notices = 0;
        for (int i = 0; i < 20; i++) {
            Instant t = T0.plus(INTERVAL.multipliedBy(i));
            SyntheticFleet.Cycle ca = a.cycle(t, INTERVAL);
            assertEquals(ca, b.cycle(t, INTERVAL));
            notices += ca.notices().size();
        }
        assertTrue(notices > 0, "96 instances x 20 cycles at 1%: some incident starts");
        assertFalse(new SyntheticFleet(new Random(42), 24, 0).topicsUsed().isEmpty());
    }

    private static List<Metric> own(List<Metric> metrics, String instance) {
        return metrics.stream().filter(m -> m.getInstanceId().equals(instance)).toList();
    }

    private static double value(List<Metric> metrics, String instance, String name) {
        return metrics.stream().filter(m -> m.getInstanceId().equals(instance) && m.getMetricName().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " from " + instance)).getValue();
    }
}
