package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.CommandOutcome;
import com.gds.alerting.avro.CommandRejection;
import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.CommandType;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;

/**
 * The guarantees of topologies/README.md, "Ordering across a task's inputs and max.task.idle.ms": with
 * {@code max.task.idle.ms=-1} a task processes whatever it has buffered, so records of different
 * partitions (metrics topics, the commands repartition topic) may be processed out of timestamp order.
 * What must hold anyway: a sample's outcome depends only on its own alert key's samples, in their
 * partition's order; a command applies to the alert's state as it is when the command is processed.
 * TopologyTestDriver processes records in the order they are piped, which is how these tests choose
 * the cross-partition order a real task may take; the fetch timing itself cannot be reproduced here.
 */
class OrderingAcrossInputsTest {

    private static final String MSSQL_TOPIC = "gds.metrics.mssql.prod";

    @Test
    void theTaskNeverIdlesWaitingForAnEmptyPartition() {
        assertEquals(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED,
                AlertingTopology.requiredStreamsConfig().get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG));
    }

    /** Two instances on two metrics topics: one instance's samples all processed before the other's older ones. */
    @Test
    void samplesOfOtherPartitionsProcessedOutOfTimestampOrderChangeNoEvent() {
        Map<String, List<String>> inTimeOrder = run(fx -> {
            for (int i = 0; i < SERIES.length; i++) {
                pgSample(fx, i);
                mssqlSample(fx, i);
            }
        });
        Map<String, List<String>> pgFirst = run(fx -> {
            for (int i = 0; i < SERIES.length; i++) {
                pgSample(fx, i);
            }
            for (int i = 0; i < SERIES.length; i++) {
                mssqlSample(fx, i);
            }
        });
        Map<String, List<String>> mssqlFirst = run(fx -> {
            for (int i = 0; i < SERIES.length; i++) {
                mssqlSample(fx, i);
            }
            for (int i = 0; i < SERIES.length; i++) {
                pgSample(fx, i);
            }
        });
        assertEquals(2, inTimeOrder.size(), "both instances fired: " + inTimeOrder);
        assertEquals(inTimeOrder, pgFirst);
        assertEquals(inTimeOrder, mssqlFirst);
    }

    /** Breach at 0 s and 30 s (fires after the 30 s `for`), WARNING → CRITICAL at 60 s, resolved at 120 s. */
    private static final double[] SERIES = {95, 97, 150, 150, 50};

    private static Instant at(int i) {
        return T0.plusSeconds(30L * i);
    }

    private static void pgSample(AlertingFixture fx, int i) {
        fx.sample("pg-prod-01", "replication_lag_seconds", SERIES[i], at(i));
    }

    private static void mssqlSample(AlertingFixture fx, int i) {
        Metric m = Metric.newBuilder()
                .setTimestamp(at(i))
                .setDatabaseType("mssql")
                .setInstanceId("sql-prod-07")
                .setMetricName("replication_lag_seconds")
                .setValue(SERIES[i] + 1)
                .setTags(Map.of("environment", "prod"))
                .setMetadata(new MetricMetadata(3L, "test", "cycle-" + at(i).toEpochMilli()))
                .build();
        fx.raw(MSSQL_TOPIC, "sql-prod-07", fx.encode(MSSQL_TOPIC, m));
    }

    /** Per alert key, its events in order; and no sample counted late. */
    private static Map<String, List<String>> run(Consumer<AlertingFixture> feed) {
        try (AlertingFixture fx = new AlertingFixture(T0.plus(Duration.ofMinutes(3)))) {
            fx.rule(threshold("lag", "replication_lag_seconds",
                    List.of(above(Severity.WARNING, 90), above(Severity.CRITICAL, 140)))
                    .setForMs(Duration.ofSeconds(30).toMillis()).build());
            feed.accept(fx);
            assertEquals(0, fx.alerting().counters().get(AlertingCounters.Counter.SAMPLES_LATE),
                    "a sample is late only against its own alert key's newest sample");
            Map<String, List<String>> byKey = new TreeMap<>();
            for (AlertEvent e : fx.events()) {
                byKey.computeIfAbsent(e.getAlertKey(), k -> new ArrayList<>()).add(e.getTransition() + " " + e.getSeverity()
                        + " #" + e.getIncident() + " value " + e.getValue() + " started " + e.getStartedAt() + " at " + e.getUpdatedAt());
            }
            byKey.values().forEach(events -> assertFalse(events.isEmpty()));
            return byKey;
        }
    }

    /**
     * An ack and the sample that resolves the alert, in the two orders a task may process them: the ack is
     * applied to the state it finds, and each outcome is reported, none silently dropped. The ack's record
     * carries a later timestamp than the sample, so the first order is the one that only happens out of
     * timestamp order; it also shows a command does not move the alert's event time (the sample is not late).
     */
    @Test
    void aCommandAppliesToTheStateItFindsWhenProcessed() {
        String key = "lag:pg-prod-01:replication_lag_seconds";
        try (AlertingFixture fx = firing()) {
            fx.command(CommandType.ACKNOWLEDGE, key, "alice", 1L);
            fx.sample("pg-prod-01", "replication_lag_seconds", 2, T0.plusSeconds(60));
            List<AlertEvent> events = fx.events();
            assertEquals(List.of(Transition.ACKNOWLEDGED, Transition.RESOLVED), events.stream().map(AlertEvent::getTransition).toList());
            assertEquals(AlertState.ACKNOWLEDGED, events.get(1).getPreviousState());
            assertEquals(CommandOutcome.APPLIED, fx.results().get(0).getOutcome());
            assertEquals(0, fx.alerting().counters().get(AlertingCounters.Counter.SAMPLES_LATE));
        }
        try (AlertingFixture fx = firing()) {
            fx.sample("pg-prod-01", "replication_lag_seconds", 2, T0.plusSeconds(60));
            fx.command(CommandType.ACKNOWLEDGE, key, "alice", 1L);
            assertEquals(List.of(Transition.RESOLVED), fx.events().stream().map(AlertEvent::getTransition).toList());
            CommandResult result = fx.results().get(0);
            assertEquals(CommandOutcome.REJECTED, result.getOutcome());
            assertEquals(CommandRejection.ALREADY_RESOLVED, result.getRejection());
        }
    }

    private static AlertingFixture firing() {
        AlertingFixture fx = new AlertingFixture(T0.plus(Duration.ofMinutes(2)));
        fx.rule(threshold("lag", "replication_lag_seconds", List.of(above(Severity.WARNING, 30))).build());
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0);
        assertEquals(List.of(Transition.FIRED), fx.events().stream().map(AlertEvent::getTransition).toList());
        return fx;
    }
}
