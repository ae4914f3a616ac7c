package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.burn;
import static com.gds.alerting.topologies.TestRules.ratioSlo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.SloSpec;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.internal.SloStatus;
import com.gds.alerting.avro.internal.SloWindow;
import com.gds.alerting.topologies.AlertingCounters.Counter;

/**
 * One decision per (SLO, instance, collection instant) for RATIO SLIs: the two counters of one
 * collection share a timestamp and arrive one after the other, and the SLO decides once both are in
 * — never on the first alone. Each case runs a steady error ratio on one instance through the real
 * topology, with one pair (CRITICAL, 1 h / 5 min at 14.4, objective 99.9%), a collection every 15 s
 * of {@value #REQUESTS} requests, and asserts the exact events on {@code gds.alerts.events}: which
 * incident fires or resolves, at which collection; and that no collection instant carries two
 * transitions of one alert (a fire/resolve pair).
 */
class SloInstantDecisionTest {

    private static final String INSTANCE = "api-db-01";
    private static final String TOTAL = "requests_total";
    private static final String BAD = "requests_failed_total";
    private static final String GOOD = "requests_ok_total";
    private static final String ALERT_KEY = "api-slo:" + INSTANCE + ":" + TOTAL;
    private static final long STEP_S = 15;
    private static final int REQUESTS = 10_000;

    /** Which counter the RATIO SLI reads beside the total. */
    enum Sli { BAD_COUNTER, GOOD_COUNTER }

    /** Which counter of a collection reaches the topology first. */
    enum Order { TOTAL_FIRST, OTHER_FIRST }

    /** An expected event: its transition, the incident, and the collection (step) it comes at. */
    record Expected(Transition transition, long incident, int step) {
        @Override
        public String toString() {
            return transition + " #" + incident + " @" + step;
        }
    }

    /**
     * A run: {@code cleanSteps} collections without errors (the first is every counter's baseline),
     * then {@code badPerStep} failed requests of {@value #REQUESTS} per collection for
     * {@code burnSteps}, then {@code recoverySteps} clean ones.
     */
    record Run(int cleanSteps, int badPerStep, int burnSteps, int recoverySteps, long minEvents) {
        int steps() {
            return cleanSteps + burnSteps + recoverySteps;
        }

        int badAt(int step) {
            return step >= cleanSteps && step < cleanSteps + burnSteps ? badPerStep : 0;
        }
    }

    private AlertingFixture fx;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private static Arguments row(String reason, Sli sli, Order order, Run run, Expected... expected) {
        return Arguments.of(reason + " [" + sli + ", " + order + "]", sli, order, run, List.of(expected));
    }

    private static Expected fired(long incident, int step) {
        return new Expected(Transition.FIRED, incident, step);
    }

    private static Expected resolved(long incident, int step) {
        return new Expected(Transition.RESOLVED, incident, step);
    }

    /** Each case in both counter orders and for both SLI kinds, unless it says otherwise. */
    static Stream<Arguments> cases() {
        List<Arguments> rows = new ArrayList<>();
        for (Sli sli : Sli.values()) {
            for (Order order : Order.values()) {
                rows.add(row("burn 10 from the first collection (threshold 14.4): never fires", sli, order,
                        new Run(1, 100, 80, 0, 0)));
                rows.add(row("burn 14.3, just below 14.4, for 20 minutes: never fires", sli, order,
                        new Run(1, 143, 80, 0, 0)));
                rows.add(row("burn 14.5, just above 14.4: fires once, at the first collection that counts (step 1)", sli,
                        order, new Run(1, 145, 80, 0, 0), fired(1, 1)));
                rows.add(row("young instance, 100% good traffic: nothing at all", sli, order,
                        new Run(1, 0, 80, 0, 0)));
                rows.add(row("burn 20 for 8 collections, then clean: fires at step 1, resolves once when 20 x 8 / n"
                        + " falls to 14.4 or below (n = 12: 13.3; n = 11: 14.5)", sli, order,
                        new Run(1, 200, 8, 30, 0), fired(1, 1), resolved(1, 12)));
                rows.add(row("min_events 20,000 counts requests (total events), whichever counter the SLI reads: the"
                        + " first collection holds 10,000 and waits, the second holds 20,000 and fires", sli, order,
                        new Run(1, 145, 20, 0, 20_000), fired(1, 2)));
                rows.add(row("an hour of clean history, then burn 14.5: fires once when the 1 h window has burnt"
                        + " (0.001 / 0.0145) x 1 h x 14.4 = 3,575 s, i.e. at the 239th failing collection (step 241 + 238)",
                        sli, order, new Run(241, 145, 260, 0, 0), fired(1, 241 + 238)));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decidesOncePerCollectionInstant(String reason, Sli sli, Order order, Run run, List<Expected> expected) {
        fx = new AlertingFixture(T0.plus(Duration.ofSeconds(STEP_S * run.steps())));
        fx.rule(rule(sli, run.minEvents()));
        double total = 0;
        double bad = 0;
        List<Expected> seen = new ArrayList<>();
        Map<Long, List<Transition>> byInstant = new HashMap<>();
        for (int step = 0; step < run.steps(); step++) {
            Instant at = T0.plusSeconds(STEP_S * step);
            total += REQUESTS;
            bad += run.badAt(step);
            String other = sli == Sli.BAD_COUNTER ? BAD : GOOD;
            double otherValue = sli == Sli.BAD_COUNTER ? bad : total - bad;
            if (order == Order.TOTAL_FIRST) {
                fx.sample(INSTANCE, TOTAL, total, at);
                fx.sample(INSTANCE, other, otherValue, at);
            } else {
                fx.sample(INSTANCE, other, otherValue, at);
                fx.sample(INSTANCE, TOTAL, total, at);
            }
            for (TestRecord<String, AlertEvent> r : fx.eventRecords()) {
                AlertEvent e = r.value();
                assertEquals(ALERT_KEY, e.getAlertKey());
                assertEquals(at.toEpochMilli(), r.timestamp(), "an event at step " + step + " carries the collection's time");
                seen.add(new Expected(e.getTransition(), e.getIncident(), step));
                byInstant.computeIfAbsent(r.timestamp(), t -> new ArrayList<>()).add(e.getTransition());
            }
        }
        if (run.cleanSteps() > 1 && !expected.isEmpty()) {
            // The mature case: the Workbook formula, within one collection either side (buckets interpolate the edge).
            assertEquals(expected.size(), seen.size(), reason + ": " + seen);
            assertEquals(expected.get(0).transition(), seen.get(0).transition(), reason);
            assertEquals(expected.get(0).incident(), seen.get(0).incident(), reason);
            assertTrue(Math.abs(expected.get(0).step() - seen.get(0).step()) <= 1, reason + ": " + seen);
        } else {
            assertEquals(expected, seen, reason);
        }
        byInstant.forEach((t, transitions) -> assertEquals(1, transitions.size(),
                reason + ": one transition per collection instant, got " + transitions + " at " + Instant.ofEpochMilli(t)));
    }

    @Test
    void anInstantWithACounterMissingIsNeitherCountedNorDecidedAndTheNextCompleteOneCoversIt() {
        fx = new AlertingFixture(T0.plus(Duration.ofMinutes(5)));
        fx.rule(rule(Sli.BAD_COUNTER, 0));
        fx.sample(INSTANCE, TOTAL, 10_000, T0);
        fx.sample(INSTANCE, BAD, 0, T0);
        fx.sample(INSTANCE, TOTAL, 20_000, T0.plusSeconds(15));
        fx.sample(INSTANCE, BAD, 0, T0.plusSeconds(15));
        fx.sample(INSTANCE, BAD, 500, T0.plusSeconds(30)); // the total of this collection never comes
        assertEquals(List.of(), fx.events(), "held, not decided: 500 bad of no new requests would be an infinite burn");
        fx.sample(INSTANCE, BAD, 500, T0.plusSeconds(45));
        fx.sample(INSTANCE, TOTAL, 40_000, T0.plusSeconds(45));

        AlertingCounters counters = fx.alerting().counters();
        assertEquals(1, counters.get(Counter.SLO_INSTANTS_INCOMPLETE), "the 30 s instant, closed by the 45 s one");
        assertEquals(0, counters.get(Counter.SAMPLES_LATE));
        SloStatus st = fx.slo("api-slo", INSTANCE);
        assertEquals(1, st.getIncompleteInstants());
        assertEquals(T0.plusSeconds(45).toEpochMilli(), st.getUpdatedAt());
        SloWindow period = st.getWindows().get(st.getWindows().size() - 1);
        assertEquals(30_000, period.getEvents(), 1e-9, "10,000 at 15 s, then 20,000 from 15 s to 45 s: nothing lost");
        assertEquals(500, period.getBadEvents(), 1e-9);
        List<TestRecord<String, AlertEvent>> events = fx.eventRecords();
        assertEquals(1, events.size(), "500 / 30,000 = burn 16.7 > 14.4, decided once, at 45 s");
        assertEquals(Transition.FIRED, events.get(0).value().getTransition());
        assertEquals(T0.plusSeconds(45).toEpochMilli(), events.get(0).timestamp());
    }

    @Test
    void aRepeatedCounterOrAReplayedCollectionIsLateAndDecidesNothing() {
        fx = new AlertingFixture(T0.plus(Duration.ofMinutes(5)));
        fx.rule(rule(Sli.BAD_COUNTER, 0));
        fx.sample(INSTANCE, TOTAL, 10_000, T0);
        fx.sample(INSTANCE, BAD, 0, T0);
        fx.sample(INSTANCE, BAD, 200, T0.plusSeconds(15));
        fx.sample(INSTANCE, BAD, 200, T0.plusSeconds(15)); // a repeat of the counter held
        fx.sample(INSTANCE, TOTAL, 20_000, T0.plusSeconds(15));
        assertEquals(List.of(Transition.FIRED), fx.events().stream().map(AlertEvent::getTransition).toList());
        fx.sample(INSTANCE, TOTAL, 20_000, T0.plusSeconds(15)); // the whole collection replayed
        fx.sample(INSTANCE, BAD, 200, T0.plusSeconds(15));
        fx.sample(INSTANCE, BAD, 0, T0.plusSeconds(10)); // older than the instant counted
        assertEquals(List.of(), fx.events());
        assertEquals(4, fx.alerting().counters().get(Counter.SAMPLES_LATE));
        assertEquals(0, fx.alerting().counters().get(Counter.SLO_INSTANTS_INCOMPLETE));
        SloWindow period = fx.slo("api-slo", INSTANCE).getWindows().get(2);
        assertEquals(10_000, period.getEvents(), 1e-9, "counted once");
        assertEquals(200, period.getBadEvents(), 1e-9);
    }

    @ParameterizedTest(name = "counter reset, {0}")
    @MethodSource("orders")
    void aCounterResetCountsTheNewValuesInEitherOrder(Order order) {
        fx = new AlertingFixture(T0.plus(Duration.ofMinutes(5)));
        fx.rule(rule(Sli.BAD_COUNTER, 0));
        double[][] samples = {{1_000, 0}, {2_000, 0}, {3_000, 1}, {500, 0}, {1_500, 2}};
        for (int i = 0; i < samples.length; i++) {
            Instant at = T0.plusSeconds(i * STEP_S);
            if (order == Order.TOTAL_FIRST) {
                fx.sample(INSTANCE, TOTAL, samples[i][0], at);
                fx.sample(INSTANCE, BAD, samples[i][1], at);
            } else {
                fx.sample(INSTANCE, BAD, samples[i][1], at);
                fx.sample(INSTANCE, TOTAL, samples[i][0], at);
            }
        }
        SloWindow period = fx.slo("api-slo", INSTANCE).getWindows().get(2);
        // total: baseline 1000, +1000, +1000, restart -> +500, +1000; failed: +0, +1, restart -> +0, +2
        assertEquals(3_500, period.getEvents(), 1e-9);
        assertEquals(3, period.getBadEvents(), 1e-9);
    }

    static Stream<Order> orders() {
        return Stream.of(Order.values());
    }

    private static Rule rule(Sli sli, long minEvents) {
        Rule rule = ratioSlo("api-slo", TOTAL, BAD, 0.999, Duration.ofDays(30),
                List.of(burn(Severity.CRITICAL, Duration.ofHours(1), Duration.ofMinutes(5), 14.4)), minEvents).build();
        if (sli == Sli.GOOD_COUNTER) {
            SloSpec spec = SloSpec.newBuilder(rule.getSlo()).setBadMetric(null).setGoodMetric(GOOD).build();
            rule.setSlo(spec);
        }
        return rule;
    }
}
