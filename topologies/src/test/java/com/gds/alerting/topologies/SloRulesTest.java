package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.burn;
import static com.gds.alerting.topologies.TestRules.ratioSlo;
import static com.gds.alerting.topologies.TestRules.thresholdSlo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.BurnWindow;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.internal.SloStatus;
import com.gds.alerting.avro.internal.SloWindow;

/**
 * SLO rules against the SRE Workbook's formulas: a 99.9% SLO, a sample every 15 s, full windows
 * of good history before the incident. Time to fire = ((1 - SLO) / error ratio) × long window ×
 * burn rate; a discrete sample every 15 s may land up to one interval either side of it.
 */
class SloRulesTest {

    private static final String INSTANCE = "api-db-01";
    private static final String TOTAL = "requests_total";
    private static final String BAD = "requests_failed_total";
    private static final long STEP_S = 15;
    private static final int REQUESTS_PER_STEP = 1_000;
    private static final Duration PERIOD = Duration.ofDays(30);

    private AlertingFixture fx;
    private double total;
    private double bad;

    @AfterEach
    void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    /** A fixture whose wall clock is {@code history} past T0, and a clean history of {@code history} before T0 + history. */
    private Instant start(Duration history, BurnWindow... pairs) {
        Instant incident = T0.plus(history);
        fx = new AlertingFixture(incident.plus(Duration.ofHours(2)));
        fx.rule(ratioSlo("api-slo", TOTAL, BAD, 0.999, PERIOD, List.of(pairs), 0).build());
        for (Instant t = T0; t.isBefore(incident); t = t.plusSeconds(STEP_S)) {
            step(t, 0);
        }
        fx.events();
        return incident;
    }

    /** One collection: both counters, {@code errorRatio} of the step's requests failed. */
    private void step(Instant at, double errorRatio) {
        total += REQUESTS_PER_STEP;
        bad += REQUESTS_PER_STEP * errorRatio;
        fx.sample(INSTANCE, TOTAL, total, at);
        fx.sample(INSTANCE, BAD, bad, at);
    }

    /** Runs the error ratio from {@code incident} until the first event; returns its event time minus the incident, in s. */
    private double secondsToFire(Instant incident, double errorRatio, Duration limit) {
        for (Instant t = incident; t.isBefore(incident.plus(limit)); t = t.plusSeconds(STEP_S)) {
            step(t, errorRatio);
            List<TestRecord<String, AlertEvent>> events = fx.eventRecords();
            if (!events.isEmpty()) {
                assertEquals(Transition.FIRED, events.get(0).value().getTransition());
                return (events.get(0).timestamp() - incident.toEpochMilli()) / 1000.0;
            }
        }
        throw new AssertionError("nothing fired within " + limit);
    }

    static Stream<Arguments> workbook() {
        return Stream.of(
                Arguments.of("100% errors, 1 h / 5 m at 14.4: 0.864 min", burn(Severity.CRITICAL, Duration.ofHours(1),
                        Duration.ofMinutes(5), 14.4), 1.0, 51.84),
                Arguments.of("100% errors, 6 h / 30 m at 6: 2.16 min", burn(Severity.CRITICAL, Duration.ofHours(6),
                        Duration.ofMinutes(30), 6), 1.0, 129.6),
                Arguments.of("100% errors, 3 d / 6 h at 1 (ticket): 4.32 min", burn(Severity.WARNING, Duration.ofDays(3),
                        Duration.ofHours(6), 1), 1.0, 259.2),
                Arguments.of("10% errors, 1 h / 5 m at 14.4: 8.64 min", burn(Severity.CRITICAL, Duration.ofHours(1),
                        Duration.ofMinutes(5), 14.4), 0.10, 518.4),
                Arguments.of("5% errors, 1 h / 5 m at 14.4: 17.28 min", burn(Severity.CRITICAL, Duration.ofHours(1),
                        Duration.ofMinutes(5), 14.4), 0.05, 1036.8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("workbook")
    void firesWhenTheWorkbookFormulaSays(String why, BurnWindow pair, double errorRatio, double expectedSeconds) {
        Instant incident = start(Duration.ofMillis(pair.getLongWindowMs()).plusHours(1), pair);
        double seconds = secondsToFire(incident, errorRatio, Duration.ofHours(1));
        assertTrue(Math.abs(seconds - expectedSeconds) <= STEP_S, why + ": fired after " + seconds + " s, expected "
                + expectedSeconds + " s within one sample interval");
    }

    @Test
    void theDefaultTableIsTheWorkbooksAndPagesFirst() {
        Instant incident = start(Duration.ofDays(3).plusHours(1));
        double seconds = secondsToFire(incident, 1.0, Duration.ofHours(1));
        assertTrue(Math.abs(seconds - 51.84) <= STEP_S, "fired after " + seconds + " s");
        assertEquals(Severity.CRITICAL, fx.state("api-slo:" + INSTANCE + ":" + TOTAL).getSeverity());
    }

    @Test
    void afterTheErrorsStopTheAlertResolvesInAboutTheShortWindow() {
        Instant incident = start(Duration.ofHours(2), burn(Severity.CRITICAL, Duration.ofHours(1), Duration.ofMinutes(5), 14.4));
        secondsToFire(incident, 1.0, Duration.ofMinutes(10));
        Instant stop = incident.plus(Duration.ofMinutes(2));
        for (Instant t = incident.plusSeconds(75); t.isBefore(stop); t = t.plusSeconds(STEP_S)) {
            step(t, 1.0);
        }
        fx.events();
        double resolvedAfter = Double.NaN;
        for (Instant t = stop; t.isBefore(stop.plus(Duration.ofHours(1))) && Double.isNaN(resolvedAfter); t = t.plusSeconds(STEP_S)) {
            step(t, 0);
            for (TestRecord<String, AlertEvent> e : fx.eventRecords()) {
                assertEquals(Transition.RESOLVED, e.value().getTransition());
                resolvedAfter = (e.timestamp() - stop.toEpochMilli()) / 1000.0;
            }
        }
        // The long window still burns at ~33 for the rest of the hour; the short window lets go once the errors leave it.
        SloWindow hour = window(fx.slo("api-slo", INSTANCE), Duration.ofHours(1));
        assertTrue(hour.getBurnRate() > 14.4, "the 1 h window alone would keep firing: " + hour.getBurnRate());
        assertTrue(resolvedAfter >= 240 && resolvedAfter <= 330, "resolved " + resolvedAfter + " s after the errors stopped");
    }

    static Stream<Arguments> lowTraffic() {
        return Stream.of(
                Arguments.of("without a minimum, one request per sample, all failing, pages", 0L, true),
                Arguments.of("with a minimum of 1,000 events per window, 4 requests a minute (at most 480 in any window here)"
                        + " never alert", 1_000L, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lowTraffic")
    void lowTrafficBelowTheMinimumEventCountDoesNotPage(String why, long minEvents, boolean pages) {
        fx = new AlertingFixture(T0.plus(Duration.ofHours(3)));
        fx.rule(ratioSlo("api-slo", TOTAL, BAD, 0.999, PERIOD, List.of(), minEvents).build());
        double t = 0;
        double b = 0;
        boolean paged = false;
        for (long s = 0; s <= 7_200; s += STEP_S) {
            t += 1;
            b += s >= 3_600 && s < 4_200 ? 1 : 0;
            fx.sample(INSTANCE, TOTAL, t, T0.plusSeconds(s));
            fx.sample(INSTANCE, BAD, b, T0.plusSeconds(s));
            paged |= fx.events().stream().anyMatch(e -> e.getTransition() == Transition.FIRED);
        }
        assertEquals(pages, paged, why);
    }

    @Test
    void theStoreHoldsTheSliBurnRateAndBudgetPerWindowForTheRestLayer() {
        fx = new AlertingFixture(T0.plus(Duration.ofHours(2)));
        fx.rule(thresholdSlo("up-slo", "up", Comparison.EQ, 1, 0.999, PERIOD).build());
        for (int i = 0; i < 240; i++) {
            fx.sample(INSTANCE, "up", i % 10 == 9 ? 0 : 1, T0.plusSeconds(i * STEP_S));
        }
        SloStatus st = fx.slo("up-slo", INSTANCE);
        assertNotNull(st, "key is ruleId:instanceId");
        assertEquals(T0.plusSeconds(239 * STEP_S).toEpochMilli(), st.getUpdatedAt());
        List<Long> windows = st.getWindows().stream().map(SloWindow::getWindowMs).toList();
        assertEquals(List.of(ms(5), ms(30), ms(60), ms(360), ms(60 * 24 * 3), ms(60 * 24 * 30)), windows, "Workbook windows + period");
        SloWindow period = window(st, PERIOD);
        assertEquals(240, period.getEvents(), 1e-9);
        assertEquals(24, period.getBadEvents(), 1e-9);
        assertEquals(0.9, period.getSli(), 1e-9);
        assertEquals(100, period.getBurnRate(), 1e-6);
        assertEquals(1 - 100, st.getErrorBudgetRemaining(), 1e-6, "overspent 99 times over");
        assertEquals(239 * STEP_S * 1000, period.getCoveredMs(), "an hour of history: the period is partly filled");
        SloWindow five = window(st, Duration.ofMinutes(5));
        assertEquals(20, five.getEvents(), 1.0, "the 5 min window holds about 20 samples (its far edge is interpolated)");
        assertEquals(ms(5), five.getCoveredMs());
    }

    @Test
    void aCounterResetCountsTheNewValueNotANegativeIncrease() {
        fx = new AlertingFixture(T0.plus(Duration.ofHours(2)));
        fx.rule(ratioSlo("api-slo", TOTAL, BAD, 0.999, PERIOD, List.of(), 0).build());
        double[][] samples = {{1_000, 0}, {2_000, 0}, {3_000, 1}, {500, 0}, {1_500, 0}};
        for (int i = 0; i < samples.length; i++) {
            fx.sample(INSTANCE, TOTAL, samples[i][0], T0.plusSeconds(i * STEP_S));
            fx.sample(INSTANCE, BAD, samples[i][1], T0.plusSeconds(i * STEP_S));
        }
        SloWindow period = window(fx.slo("api-slo", INSTANCE), PERIOD);
        // total: baseline 1000, +1000, +1000, reset -> +500, +1000 = 3500; bad: +1, reset to 0 -> +0, +0 = 1
        assertEquals(3_500, period.getEvents(), 1e-9);
        assertEquals(1, period.getBadEvents(), 1e-9);
    }

    @Test
    void deletingAnSloRuleDropsItsStateAtTheNextTick() {
        fx = new AlertingFixture(T0.plus(Duration.ofHours(1)));
        fx.rule(thresholdSlo("up-slo", "up", Comparison.EQ, 1, 0.999, PERIOD).build());
        fx.sample(INSTANCE, "up", 1, T0);
        assertNotNull(fx.slo("up-slo", INSTANCE));
        fx.advanceWallClock(Duration.ofSeconds(1)); // a first tick: the task has seen the rule book
        fx.deleteRule("up-slo");
        fx.advanceWallClock(Duration.ofSeconds(1));
        assertEquals(null, fx.slo("up-slo", INSTANCE));
    }

    private static long ms(long minutes) {
        return Duration.ofMinutes(minutes).toMillis();
    }

    private static SloWindow window(SloStatus st, Duration window) {
        return st.getWindows().stream().filter(w -> w.getWindowMs() == window.toMillis()).findFirst().orElseThrow();
    }
}
