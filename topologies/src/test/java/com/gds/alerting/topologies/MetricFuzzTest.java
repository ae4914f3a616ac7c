package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;

/**
 * Issue 24, "done when": seeded random and mutated records on a metrics topic of the topology
 * (under {@code TopologyTestDriver}, so many records run fast). No record may escape as an
 * exception (the driver would throw it, as a stream thread would die of it), and every record is
 * either evaluated or dead-lettered: the counts add up.
 */
class MetricFuzzTest {

    private static final long SEED = 24L;
    private static final int RECORDS = 4000;

    @Test
    void everyRecordIsEvaluatedOrDeadLetteredAndNoneStopsTheTopology() {
        try (AlertingFixture fx = new AlertingFixture()) {
            fx.rule(threshold("fuzz", "fuzz_metric", List.of(above(Severity.WARNING, 50))).build());
            Rule other = threshold("other", "x", List.of(above(Severity.WARNING, 1)))
                    .setSelector(new Selector("x", List.of())).build();
            MetricFuzz fuzz = new MetricFuzz(SEED, m -> fx.encode(AlertingFixture.METRICS_TOPIC, m),
                    fx.encode(fx.topics().rules(), other), AlertingFixture.T0);
            Map<String, Integer> kinds = new TreeMap<>();
            for (int i = 0; i < RECORDS; i++) {
                MetricFuzz.Input input = fuzz.next();
                kinds.merge(input.kind(), 1, Integer::sum);
                fx.raw(AlertingFixture.METRICS_TOPIC, input.key(), input.value());
            }
            long evaluated = fx.alerting().counters().get(AlertingCounters.Counter.METRICS_EVALUATED);
            long deadLettered = fx.alerting().counters().get(AlertingCounters.Counter.METRICS_DEAD_LETTERED);
            assertEquals(RECORDS, evaluated + deadLettered, "every record evaluated or dead-lettered: " + kinds);
            assertEquals(deadLettered, fx.deadLetters(fx.topics().dlqMetrics()).size(), "each dead-lettered one is on the DLQ");
            assertTrue(evaluated >= kinds.get("valid"), "every valid record was evaluated");
            assertTrue(kinds.size() == 8, "every kind of mutation was tried: " + kinds);
        }
    }
}
