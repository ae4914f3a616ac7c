package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.absence;
import static com.gds.alerting.topologies.TestRules.eq;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.CommandOutcome;
import com.gds.alerting.avro.CommandType;
import com.gds.alerting.avro.Inhibition;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Silence;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.topologies.AlertingCounters.Counter;

/**
 * A rule with {@code by: [database]} alerts once per database of an instance: each series has its
 * own lifecycle, key, message ids, commands, timers and silences, and a rule without {@code by}
 * alerts exactly as before (one alert per rule, instance and metric).
 */
class PerSeriesAlertsTest {

    private static final String INSTANCE = "pg-prod-01";
    private static final String METRIC = "xid_wraparound_age";
    private static final String ORDERS = "xid-age:" + INSTANCE + ":" + METRIC + "{database=orders}";
    private static final String BILLING = "xid-age:" + INSTANCE + ":" + METRIC + "{database=billing}";
    private static final double BREACH = 1.6e9;
    private static final double HEALTHY = 2e8;

    private AlertingFixture fx;

    @BeforeEach
    void setUp() {
        fx = new AlertingFixture();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static Rule.Builder xidAge() {
        return threshold("xid-age", METRIC, List.of(above(Severity.HIGH, 1.5e9)));
    }

    private static Rule.Builder xidAgeByDatabase() {
        return xidAge().setBy(List.of("database"));
    }

    private void sample(String database, double value, Instant at) {
        fx.sample(INSTANCE, METRIC, value, at, Map.of("environment", "prod", "database", database));
    }

    /** One collection instant: both databases, orders first (the collector's order is not the alert's business). */
    private void instant(double orders, double billing, Instant at) {
        sample("orders", orders, at);
        sample("billing", billing, at);
    }

    @Test
    void aBreachOfOneDatabaseFiresWhileTheHealthyOneAtTheSameInstantStaysQuiet() {
        fx.rule(xidAgeByDatabase().build());
        instant(BREACH, HEALTHY, T0);
        instant(BREACH, HEALTHY, T0.plusSeconds(30));
        instant(BREACH, HEALTHY, T0.plusSeconds(60));

        List<AlertEvent> events = fx.events();
        assertEquals(1, events.size(), "orders fired once; billing, healthy, has nothing to say: " + events);
        assertEquals(ORDERS, events.get(0).getAlertKey());
        assertEquals(Transition.FIRED, events.get(0).getTransition());
        assertEquals("orders", events.get(0).getLabels().get("database"));
        assertEquals(AlertState.FIRING, fx.state(ORDERS).getState(), "billing's healthy samples do not clear orders' breach");
        assertNull(fx.state(BILLING), "a healthy series never had an alert");
        assertEquals(0, fx.alerting().counters().get(Counter.SERIES_SHARING_ALERT_KEY), "the series do not share a key");
    }

    @Test
    void resolvingOneDatabaseLeavesTheOtherFiring() {
        fx.rule(xidAgeByDatabase().build());
        instant(BREACH, BREACH, T0);
        instant(HEALTHY, BREACH, T0.plusSeconds(30));

        List<AlertEvent> events = fx.events();
        assertEquals(List.of(ORDERS + " FIRED 1", BILLING + " FIRED 1", ORDERS + " RESOLVED 1"),
                events.stream().map(e -> e.getAlertKey() + " " + e.getTransition() + " " + e.getIncident()).toList());
        assertEquals(AlertState.RESOLVED, fx.state(ORDERS).getState());
        assertEquals(AlertState.FIRING, fx.state(BILLING).getState());
    }

    @Test
    void eachSeriesHasItsOwnMessageIdsAndSummary() {
        fx.rule(xidAgeByDatabase().build());
        instant(BREACH, BREACH, T0);
        List<AlertEvent> fired = fx.events();
        assertEquals(2, fired.size());
        assertNotEquals(fired.get(0).getMessageId(), fired.get(1).getMessageId(),
                "same rule, instance, metric, incident 1 and start time: only the series tells the pages apart");
        assertTrue(fired.get(0).getSummary().contains("{database=\"orders\"}"), fired.get(0).getSummary());
        assertTrue(fired.get(1).getSummary().contains("{database=\"billing\"}"), fired.get(1).getSummary());
    }

    @Test
    void eachSeriesServesItsOwnPendingPeriod() {
        fx.rule(xidAgeByDatabase().setForMs(Duration.ofMinutes(1).toMillis()).build());
        instant(BREACH, BREACH, T0);
        instant(BREACH, HEALTHY, T0.plusSeconds(30));
        instant(BREACH, BREACH, T0.plusSeconds(60));
        instant(BREACH, BREACH, T0.plusSeconds(90));

        assertEquals(List.of(ORDERS + " PENDING", BILLING + " PENDING", BILLING + " RESOLVED", ORDERS + " FIRED",
                        BILLING + " PENDING"),
                fx.events().stream().map(e -> e.getAlertKey() + " " + e.getTransition()).toList(),
                "billing's healthy sample at 30 s restarts billing's streak only; orders fires at 60 s");
    }

    @Test
    void anAcknowledgementByTheSeriesKeyAcksThatSeriesAndItsRemindersStopAlone() {
        fx.rule(xidAgeByDatabase().setRepeatIntervalMs(Duration.ofMinutes(10).toMillis()).build());
        instant(BREACH, BREACH, T0);
        fx.events();
        fx.command(CommandType.ACKNOWLEDGE, ORDERS, "alice", 1L);

        assertEquals(CommandOutcome.APPLIED, fx.results().get(0).getOutcome());
        assertEquals(AlertState.ACKNOWLEDGED, fx.state(ORDERS).getState());
        assertEquals(AlertState.FIRING, fx.state(BILLING).getState(), "acknowledging orders does not touch billing");
        fx.events();

        fx.advanceWallClock(Duration.ofMinutes(11));
        List<AlertEvent> reminders = fx.events();
        assertEquals(List.of(BILLING + " REMINDER"),
                reminders.stream().map(e -> e.getAlertKey() + " " + e.getTransition()).toList());
    }

    @Test
    void aSilenceOnOneDatabaseKeepsOnlyThatSeriesQuiet() {
        fx.rule(xidAgeByDatabase().build());
        fx.silence(Silence.newBuilder().setSilenceId("orders-vacuum").setMatchers(List.of(eq("database", "orders")))
                .setStartsAt(T0.minusSeconds(60)).setEndsAt(null).setCreatedBy("alice").setComment("freeze vacuum running")
                .setCreatedAt(T0.minusSeconds(60)).build());
        instant(BREACH, BREACH, T0);

        List<AlertEvent> events = fx.events();
        assertEquals(2, events.size());
        assertEquals(ORDERS, events.get(0).getAlertKey());
        assertEquals("silence:orders-vacuum", events.get(0).getSuppressedBy());
        assertEquals(BILLING, events.get(1).getAlertKey());
        assertNull(events.get(1).getSuppressedBy(), "billing pages");
    }

    @Test
    void aSourceWithByInhibitsOnlyTheTargetsOfItsOwnSeries() {
        fx.rule(threshold("db-offline", "database_offline", List.of(above(Severity.CRITICAL, 0))).setBy(List.of("database"))
                .setInhibits(List.of(new Inhibition(List.of(eq("rule_id", "xid-age")), List.of()))).build());
        fx.rule(xidAgeByDatabase().build());
        fx.sample(INSTANCE, "database_offline", 1, T0, Map.of("environment", "prod", "database", "orders"));
        fx.sample(INSTANCE, "database_offline", 0, T0, Map.of("environment", "prod", "database", "billing"));
        fx.events();
        instant(BREACH, BREACH, T0.plusSeconds(10));

        List<AlertEvent> events = fx.events();
        assertEquals(2, events.size(), events.toString());
        assertEquals(ORDERS, events.get(0).getAlertKey());
        assertEquals("inhibited-by:db-offline:" + INSTANCE + ":database_offline{database=orders}", events.get(0).getSuppressedBy());
        assertEquals(BILLING, events.get(1).getAlertKey());
        assertNull(events.get(1).getSuppressedBy(), "billing is online: its breach pages");
    }

    @Test
    void anAbsenceRuleWithByFiresForTheDatabaseThatWentSilent() {
        fx.rule(absence("db-silent", METRIC, Duration.ofMinutes(5), Severity.WARNING, null).setBy(List.of("database")).build());
        for (int minute = 0; minute < 10; minute++) {
            if (minute < 2) {
                sample("orders", HEALTHY, fx.wallClock());
            }
            sample("billing", HEALTHY, fx.wallClock());
            fx.advanceWallClock(Duration.ofMinutes(1));
        }
        List<AlertEvent> events = fx.events();
        assertEquals(List.of("db-silent:" + INSTANCE + ":" + METRIC + "{database=orders} FIRED"),
                events.stream().map(e -> e.getAlertKey() + " " + e.getTransition()).toList(),
                "orders was dropped (last sample at minute 1); billing kept answering");
    }

    @Test
    void aRuleWithoutByKeepsTheThreePartKeyAndStillReportsSharing() {
        fx.rule(xidAge().build());
        instant(BREACH, HEALTHY, T0);
        List<AlertEvent> events = fx.events();
        assertEquals(1, events.size());
        assertEquals("xid-age:" + INSTANCE + ":" + METRIC, events.get(0).getAlertKey());
        assertEquals("[HIGH] pg-prod-01 xid_wraparound_age = 1600000000 (threshold 1500000000)", events.get(0).getSummary(),
                "no series in the summary of a rule without by");
        assertEquals(1, fx.alerting().counters().get(Counter.SERIES_SHARING_ALERT_KEY),
                "one alert for two series: still counted");
    }

    @Test
    void addingByToARuleResolvesTheAlertUnderTheOldKeyAndTheSeriesAlertUnderTheirOwn() {
        fx.rule(xidAge().build());
        sample("orders", BREACH, T0);
        assertEquals(Transition.FIRED, fx.events().get(0).getTransition());

        fx.rule(xidAgeByDatabase().build());
        fx.advanceWallClock(Duration.ofSeconds(1));
        List<AlertEvent> resolved = fx.events();
        assertEquals(1, resolved.size());
        assertEquals("xid-age:" + INSTANCE + ":" + METRIC, resolved.get(0).getAlertKey());
        assertEquals(Transition.RESOLVED, resolved.get(0).getTransition());
        assertEquals("ALERT_KEY_CHANGED", resolved.get(0).getReason(), "left open it would never be evaluated again");

        sample("orders", BREACH, T0.plusSeconds(30));
        assertEquals(List.of(ORDERS + " FIRED"), fx.events().stream().map(e -> e.getAlertKey() + " " + e.getTransition()).toList());
    }
}
