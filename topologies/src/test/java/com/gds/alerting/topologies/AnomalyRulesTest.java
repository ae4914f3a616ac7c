package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AnomalyAlgorithm;
import com.gds.alerting.avro.AnomalyDirection;
import com.gds.alerting.avro.AnomalySeasonality;
import com.gds.alerting.avro.AnomalySpec;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.anomaly.Baseline;
import com.gds.alerting.topologies.expr.LeastSquares;

/**
 * Anomaly and forecast rules through the whole topology: learning, the band, confirmation, {@code for},
 * resolution, the explanation on the events, the baseline store, and replay.
 */
class AnomalyRulesTest {

    private static final String METRIC = "connections";
    private static final String KEY = "conn-anomaly:pg-prod-01:connections";

    private AlertingFixture fx;

    @BeforeEach
    void start() {
        fx = new AlertingFixture();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private static AnomalySpec.Builder spec() {
        TestRules.class.getName();
        return AnomalySpec.newBuilder().setAlgorithm(AnomalyAlgorithm.ADAPTIVE).setSeasonality(AnomalySeasonality.NONE)
                .setMinHistoryMs(Duration.ofHours(1).toMillis()).setDirection(AnomalyDirection.BOTH).setSeverity(Severity.WARNING);
    }

    /** Noisy samples around 100 (σ 2), one a minute from {@code fromMinute}, seeded. */
    private static List<double[]> normal(int fromMinute, int minutes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<double[]> out = new ArrayList<>();
        for (int m = fromMinute; m < fromMinute + minutes; m++) {
            out.add(new double[] {m, 100 + 2 * random.nextGaussian()});
        }
        return out;
    }

    private List<AlertEvent> feed(AlertingFixture f, List<double[]> samples) {
        List<AlertEvent> out = new ArrayList<>();
        for (double[] s : samples) {
            follow(f, T0.plusSeconds((long) s[0] * 60));
            f.sample("pg-prod-01", METRIC, s[1], T0.plusSeconds((long) s[0] * 60));
            out.addAll(f.events());
        }
        return out;
    }

    /** Keeps the wall clock at the samples' time (metrics from the future are dead-lettered). */
    private static void follow(AlertingFixture f, Instant at) {
        if (at.isAfter(f.wallClock())) {
            f.advanceWallClock(Duration.between(f.wallClock(), at));
        }
    }

    @Test
    void aSpikeFiresAfterConfirmSamplesWithTheExpectedValueBandAndDeviationAndResolvesWhenBack() {
        fx.rule(TestRules.anomaly("conn-anomaly", METRIC, spec().build()).build());
        assertEquals(List.of(), feed(fx, normal(0, 120, 1)), "two hours of ordinary noise page nothing");

        List<AlertEvent> spike = feed(fx, List.of(new double[] {120, 160}, new double[] {121, 161}, new double[] {122, 162},
                new double[] {123, 160}));
        assertEquals(1, spike.size(), "one FIRED, at the third out-of-band sample: " + spike);
        AlertEvent fired = spike.get(0);
        assertEquals(Transition.FIRED, fired.getTransition());
        assertEquals(T0.plusSeconds(122 * 60), fired.getUpdatedAt());
        assertEquals(100, fired.getExpected(), 1.5, "the expected value is the series' mean");
        assertTrue(fired.getBandUpper() > fired.getExpected() && fired.getBandUpper() < 110, "band " + fired.getBandUpper());
        assertEquals(fired.getExpected() - (fired.getBandUpper() - fired.getExpected()), fired.getBandLower(), 1e-9);
        assertTrue(fired.getDeviationSigma() > 20, "about 31σ: " + fired.getDeviationSigma());
        assertEquals(fired.getDeviationSigma(), fired.getValue(), 1e-9, "BOTH: the value is |deviation|");
        assertEquals(3.0, fired.getThreshold(), "the threshold is the bounds, in σ");

        List<AlertEvent> back = feed(fx, normal(124, 3, 2));
        assertEquals(Transition.RESOLVED, back.get(0).getTransition(), "the first sample within the recovery band resolves");
        assertTrue(Math.abs(back.get(0).getExpected() - 100) < 1.5,
                "the spike did not drag the baseline (learned clipped to the band): " + back.get(0).getExpected());
    }

    @Test
    void nothingFiresWhileLearningAndTheBaselineHasItsDocumentedSize() {
        fx.rule(TestRules.anomaly("conn-anomaly", METRIC, spec().build()).build());
        List<double[]> samples = new ArrayList<>(normal(0, 30, 3));
        for (int m = 30; m < 40; m++) {
            samples.add(new double[] {m, 500});
        }
        assertEquals(List.of(), feed(fx, samples), "within min_history nothing is judged");
        KeyValueStore<String, byte[]> store = fx.store(AlertingTopology.Names.ANOMALY_BASELINE_STORE);
        assertEquals(Baseline.sizeBytes(AnomalyAlgorithm.ADAPTIVE, AnomalySeasonality.NONE), store.get(KEY).length);
        assertEquals(48, Baseline.sizeBytes(AnomalyAlgorithm.ADAPTIVE, AnomalySeasonality.NONE));
    }

    @Test
    void forDelaysFiringAndDirectionAboveIgnoresDips() {
        fx.rule(TestRules.anomaly("conn-anomaly", METRIC, spec().setDirection(AnomalyDirection.ABOVE).setConfirmSamples(1).build())
                .setForMs(Duration.ofMinutes(2).toMillis()).build());
        feed(fx, normal(0, 120, 4));
        assertEquals(List.of(), feed(fx, List.of(new double[] {120, 40}, new double[] {121, 40}, new double[] {122, 40},
                new double[] {123, 40})), "a dip is not an anomaly 'above'");
        List<AlertEvent> up = feed(fx, List.of(new double[] {124, 160}, new double[] {125, 160}, new double[] {126, 160}));
        assertEquals(List.of(Transition.PENDING, Transition.FIRED), up.stream().map(AlertEvent::getTransition).toList());
        assertEquals(T0.plusSeconds(126 * 60), up.get(1).getUpdatedAt(), "fired once 'for' (2 minutes) was served");
    }

    @Test
    void aMinimumDeviationKeepsAFlatSeriesQuiet() {
        fx.rule(TestRules.anomaly("conn-anomaly", METRIC, spec().setMinDeviation(5).build()).build());
        List<double[]> flat = new ArrayList<>();
        for (int m = 0; m < 120; m++) {
            flat.add(new double[] {m, m % 2 == 0 ? 10 : 10.001});
        }
        feed(fx, flat);
        assertEquals(List.of(), feed(fx, List.of(new double[] {120, 13}, new double[] {121, 13}, new double[] {122, 13},
                new double[] {123, 13})), "3 above a flat 10 is thousands of σ but under the floor of 5");
        assertEquals(1, feed(fx, List.of(new double[] {124, 16}, new double[] {125, 16}, new double[] {126, 16})).size());
    }

    @Test
    void replayingTheSameMetricsIntoAFreshTopologyLearnsTheSameBaselineAndRaisesTheSameAlerts() {
        List<double[]> samples = new ArrayList<>(normal(0, 150, 5));
        samples.addAll(List.of(new double[] {150, 170}, new double[] {151, 170}, new double[] {152, 170}, new double[] {153, 170}));
        samples.addAll(normal(154, 30, 6));
        AnomalySpec robust = spec().setAlgorithm(AnomalyAlgorithm.ROBUST).build();
        fx.rule(TestRules.anomaly("conn-anomaly", METRIC, robust).build());
        List<AlertEvent> first = feed(fx, samples);
        byte[] firstBaseline = fx.<String, byte[]>store(AlertingTopology.Names.ANOMALY_BASELINE_STORE).get(KEY);
        try (AlertingFixture again = new AlertingFixture(T0.minusSeconds(250), "replay", c -> c)) {
            again.rule(TestRules.anomaly("conn-anomaly", METRIC, robust).build());
            List<AlertEvent> second = feed(again, samples);
            assertEquals(List.of(Transition.FIRED, Transition.RESOLVED), first.stream().map(AlertEvent::getTransition).toList());
            assertEquals(first.stream().map(AlertEvent::getMessageId).toList(),
                    second.stream().map(AlertEvent::getMessageId).toList(), "same alerts, whatever the wall clock");
            assertEquals(first.stream().map(AlertEvent::getExpected).toList(), second.stream().map(AlertEvent::getExpected).toList());
            assertArrayEquals(firstBaseline,
                    again.<String, byte[]>store(AlertingTopology.Names.ANOMALY_BASELINE_STORE).get(KEY), "same baseline bytes");
        }
    }

    @Test
    void lateSamplesAreCountedAndChangeNothing() {
        fx.rule(TestRules.anomaly("conn-anomaly", METRIC, spec().build()).build());
        feed(fx, normal(0, 10, 7));
        byte[] before = fx.<String, byte[]>store(AlertingTopology.Names.ANOMALY_BASELINE_STORE).get(KEY);
        long late = fx.alerting().counters().get(Counter.SAMPLES_LATE);
        feed(fx, List.of(new double[] {5, 1000}));
        assertArrayEquals(before, fx.<String, byte[]>store(AlertingTopology.Names.ANOMALY_BASELINE_STORE).get(KEY));
        assertEquals(late + 1, fx.alerting().counters().get(Counter.SAMPLES_LATE));
    }

    @Test
    void aForecastFiresWhenTheTrendCrossesTheLimitWithinTheHorizonAndSaysWhen() {
        // Disk free falls about 1 GB a minute from 500 GB (0 near minute 500); the horizon is 4 hours.
        fx.rule(TestRules.forecast("disk-full", "disk_free_gb", 0, Comparison.LTE, Duration.ofHours(1), Duration.ofHours(4))
                .build());
        List<AlertEvent> events = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        Integer expectedMinute = null;
        long expectedCrossing = 0;
        for (int m = 0; m <= 300; m++) {
            double v = 500 - m + (m % 3 == 0 ? 0.5 : 0);
            Instant at = T0.plusSeconds(m * 60L);
            follow(fx, at);
            fx.sample("pg-prod-01", "disk_free_gb", v, at);
            events.addAll(fx.events());
            times.add(at.toEpochMilli());
            values.add(v);
            // predict_linear(disk_free_gb[1h], s) on the same samples: the window is [t - 1h, t].
            int from = Math.max(0, times.size() - 61);
            long[] ts = times.subList(from, times.size()).stream().mapToLong(Long::longValue).toArray();
            double[] vs = values.subList(from, values.size()).stream().mapToDouble(Double::doubleValue).toArray();
            double[] line = LeastSquares.fit(ts, vs, at.toEpochMilli());
            double seconds = -line[1] / line[0];
            if (expectedMinute == null && ts.length >= 2 && seconds <= 4 * 3600) {
                expectedMinute = m;
                expectedCrossing = at.toEpochMilli() + Math.round(seconds * 1000);
            }
        }
        assertNotNull(expectedMinute);
        assertEquals(1, events.size(), "fires once: " + events);
        AlertEvent fired = events.get(0);
        assertEquals(Transition.FIRED, fired.getTransition());
        assertEquals(T0.plusSeconds(expectedMinute * 60L), fired.getUpdatedAt(), "the first sample whose crossing is within 4 h");
        assertEquals(expectedCrossing, fired.getPredictedCrossingAt().toEpochMilli(), "where predict_linear reaches the limit");
        assertEquals(4 * 3600.0, fired.getThreshold(), "the threshold is the horizon in seconds");
        assertTrue(fired.getValue() <= 4 * 3600.0);
        assertNull(fired.getBandLower(), "a forecast has no band");
        // A flat disk: once the window has flattened, the trend no longer heads for the limit and the alert resolves.
        for (int m = 301; m <= 400; m++) {
            follow(fx, T0.plusSeconds(m * 60L));
            fx.sample("pg-prod-01", "disk_free_gb", 200, T0.plusSeconds(m * 60L));
            events.addAll(fx.events());
        }
        assertEquals(List.of(Transition.FIRED, Transition.RESOLVED), events.stream().map(AlertEvent::getTransition).toList());
    }
}
