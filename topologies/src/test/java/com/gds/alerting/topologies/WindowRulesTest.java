package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.below;
import static com.gds.alerting.topologies.TestRules.window;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Aggregation;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.WindowType;
import com.gds.alerting.topologies.window.Pane;

/** Window rules: when a window is evaluated, what it aggregates, counter resets, percentiles, pane retention. */
class WindowRulesTest {

    private static final String INSTANCE = "pg-prod-01";
    private static final String METRIC = "cpu_ratio";

    private AlertingFixture fx;

    @BeforeEach
    void start() {
        // Wall clock an hour ahead of the samples, so none is refused as from the future.
        fx = new AlertingFixture(T0.plus(Duration.ofHours(1)));
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    /** Samples every 15 s: 40 for the first 5 minutes, 80 after; returns "second:TRANSITION=value" per event. */
    private List<String> stepFrom40To80(long untilSecond) {
        List<String> seen = new ArrayList<>();
        for (long s = 0; s <= untilSecond; s += 15) {
            fx.sample(INSTANCE, METRIC, s < 300 ? 40 : 80, at(s));
            for (AlertEvent e : fx.events()) {
                seen.add(s + ":" + e.getTransition() + "=" + e.getValue());
            }
        }
        return seen;
    }

    static Stream<Arguments> avgCrossings() {
        return Stream.of(
                Arguments.of("tumbling 5 min: [5m,10m) averages 80 and closes on the 10:00 sample", WindowType.TUMBLING, null,
                        Duration.ZERO, 0L, List.of("600:FIRED=80.0")),
                Arguments.of("hopping 5m/1m: [1m,6m) averages 48 (no breach), [2m,7m) 56 closes on the 7:00 sample",
                        WindowType.HOPPING, Duration.ofMinutes(1), Duration.ZERO, 0L, List.of("420:FIRED=56.0")),
                Arguments.of("grace 30 s: the same window is evaluated on the first sample at end + 30 s", WindowType.HOPPING,
                        Duration.ofMinutes(1), Duration.ofSeconds(30), 0L, List.of("450:FIRED=56.0")),
                Arguments.of("for 2 min counts window ends: pending at 7:00, fires on the 9:00 window", WindowType.HOPPING,
                        Duration.ofMinutes(1), Duration.ZERO, 120L, List.of("420:PENDING=56.0", "540:FIRED=72.0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("avgCrossings")
    void anAverageCrossesItsThresholdOnExactlyTheExpectedSample(String why, WindowType type, Duration advance, Duration grace,
                                                                 long forSeconds, List<String> expected) {
        fx.rule(window("cpu-avg", METRIC, Aggregation.AVG, type, Duration.ofMinutes(5), advance, grace,
                List.of(above(Severity.WARNING, 50))).setForMs(forSeconds * 1000).build());
        assertEquals(expected, stepFrom40To80(660), why);
    }

    @Test
    void aCounterResetNeverMakesANegativeRate() {
        // 10/s until the process restarts at 325 s; the counter starts again from 0.
        fx.rule(window("req-rate-low", "requests_total", Aggregation.RATE, WindowType.TUMBLING, Duration.ofMinutes(1), null,
                Duration.ZERO, List.of(below(Severity.WARNING, 1))).build());
        fx.rule(window("req-rate-high", "requests_total", Aggregation.RATE, WindowType.TUMBLING, Duration.ofMinutes(1), null,
                Duration.ZERO, List.of(above(Severity.WARNING, 5))).build());
        List<Transition> transitions = new ArrayList<>();
        double rateOverTheReset = Double.NaN;
        for (long s = 0; s <= 600; s += 15) {
            double counter = s < 325 ? 10.0 * s : 10.0 * (s - 325);
            fx.sample(INSTANCE, "requests_total", counter, at(s));
            fx.events().forEach(e -> transitions.add(e.getTransition()));
            if (s == 360) {
                rateOverTheReset = fx.state("req-rate-high:" + INSTANCE + ":requests_total").getValue();
            }
        }
        // A naive (last - first) / time over [5m,6m) would be (200 - 3000) / 45 s: negative, and fire the low-rate rule.
        assertEquals(List.of(Transition.FIRED), transitions, "only the high-rate rule fires, once, and never resolves");
        // Over [5m,6m): 3000 -> 3150 (+150), reset to 50 (+50: the new value), -> 200 (+150) = 350 in 45 s.
        assertEquals(350.0 / 45, rateOverTheReset, 1e-9);
    }

    @Test
    void aPercentileIsWithinTheSketchsDocumentedRankError() {
        fx.rule(window("lat-p95", "latency_ms", Aggregation.P95, WindowType.HOPPING, Duration.ofMinutes(5), Duration.ofMinutes(1),
                Duration.ZERO, List.of(above(Severity.WARNING, 0))).build());
        int n = 5_000;
        List<Integer> values = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            values.add(i);
        }
        Collections.shuffle(values, new Random(7));
        for (int i = 0; i < n; i++) {
            fx.sample(INSTANCE, "latency_ms", values.get(i), T0.plusMillis(i * 60L));
        }
        fx.sample(INSTANCE, "latency_ms", 1, T0.plus(Duration.ofMinutes(5)));
        List<AlertEvent> events = fx.events();
        assertEquals(1, events.size(), events.toString());
        double p95 = events.get(0).getValue();
        double epsilon = KllDoublesSketch.getNormalizedRankError(Pane.SKETCH_K, false);
        double rank = p95 / n;
        assertTrue(Math.abs(rank - 0.95) <= epsilon, "p95 " + p95 + " has rank " + rank + ", more than " + epsilon + " from 0.95");
    }

    @Test
    void panesAreDeletedOnceNoWindowNeedsThem() {
        fx.rule(window("cpu-avg", METRIC, Aggregation.AVG, WindowType.HOPPING, Duration.ofMinutes(5), Duration.ofMinutes(1),
                Duration.ZERO, List.of(above(Severity.WARNING, 50))).build());
        stepFrom40To80(3_600);
        // After the window [55m,60m) closed, the next one is [56m,61m): panes 56..60 are all that is kept.
        assertEquals(5, count(fx.store(AlertingTopology.Names.WINDOW_PANES_STORE)));
    }

    @Test
    void aSampleForAWindowAlreadyEvaluatedIsLateAndIgnored() {
        fx.rule(window("cpu-avg", METRIC, Aggregation.AVG, WindowType.TUMBLING, Duration.ofMinutes(5), null, Duration.ZERO,
                List.of(above(Severity.WARNING, 50))).build());
        stepFrom40To80(600);
        assertEquals(1, fx.state("cpu-avg:" + INSTANCE + ":" + METRIC).getIncident());
        long lateBefore = fx.alerting().counters().get(AlertingCounters.Counter.SAMPLES_LATE);
        fx.sample(INSTANCE, METRIC, 1_000, at(290));
        assertEquals(lateBefore + 1, fx.alerting().counters().get(AlertingCounters.Counter.SAMPLES_LATE));
        assertEquals(List.of(), fx.events());
    }

    @Test
    void aChangedWindowStartsOverInsteadOfMergingPanesOfAnotherShape() {
        fx.rule(window("cpu", METRIC, Aggregation.AVG, WindowType.HOPPING, Duration.ofMinutes(5), Duration.ofMinutes(1),
                Duration.ZERO, List.of(above(Severity.WARNING, 50))).build());
        stepFrom40To80(240);
        // Same rule id, now a p95 over tumbling minutes: the old panes have no sketch and another hop.
        fx.rule(window("cpu", METRIC, Aggregation.P95, WindowType.TUMBLING, Duration.ofMinutes(1), null,
                Duration.ZERO, List.of(above(Severity.WARNING, 50))).build());
        List<String> seen = new ArrayList<>();
        for (long s = 255; s <= 420; s += 15) {
            fx.sample(INSTANCE, METRIC, s < 300 ? 40 : 80, at(s));
            fx.events().forEach(e -> seen.add(e.getTransition() + "=" + e.getValue()));
        }
        // [4m,5m) began before the change (first pane after it is 4m, sample 255 s): the first window judged is [5m,6m).
        assertEquals(List.of("FIRED=80.0"), seen);
    }

    @Test
    void deletingAWindowRuleDropsItsPanesAtTheNextTick() {
        fx.rule(window("cpu", METRIC, Aggregation.AVG, WindowType.HOPPING, Duration.ofMinutes(5), Duration.ofMinutes(1),
                Duration.ZERO, List.of(above(Severity.WARNING, 50))).build());
        stepFrom40To80(240);
        KeyValueStore<Bytes, byte[]> panes = fx.store(AlertingTopology.Names.WINDOW_PANES_STORE);
        assertTrue(count(panes) > 0);
        fx.advanceWallClock(Duration.ofSeconds(1)); // a first tick: the task has seen the rule book
        fx.deleteRule("cpu");
        fx.advanceWallClock(Duration.ofSeconds(1));
        assertEquals(0, count(panes));
        assertEquals(0, count(fx.store(AlertingTopology.Names.WINDOW_PROGRESS_STORE)));
    }

    private static <K, V> int count(KeyValueStore<K, V> store) {
        int n = 0;
        try (KeyValueIterator<K, V> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
