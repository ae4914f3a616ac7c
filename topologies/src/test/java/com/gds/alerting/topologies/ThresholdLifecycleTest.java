package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.contract.MessageIds;

/** Threshold rules on one series: {@code for}, {@code keep_firing_for}, hysteresis, severities, incidents, late samples. */
class ThresholdLifecycleTest {

    private static final String KEY = "conn:pg-prod-01:connections_used_ratio";

    private AlertingFixture fx;

    @BeforeEach
    void start() {
        fx = new AlertingFixture();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    /** Feeds samples "second=value" and returns the transitions as "second:TRANSITION[:SEVERITY]". */
    private List<String> run(String... samples) {
        List<String> seen = new ArrayList<>();
        for (String sample : samples) {
            String[] parts = sample.split("=");
            long second = Long.parseLong(parts[0]);
            fx.sample("pg-prod-01", "connections_used_ratio", Double.parseDouble(parts[1]), T0.plusSeconds(second));
            for (AlertEvent e : fx.events()) {
                seen.add(second + ":" + e.getTransition() + (e.getTransition() == Transition.SEVERITY_CHANGED ? ":" + e.getSeverity() : ""));
            }
        }
        return seen;
    }

    static Stream<Arguments> forCases() {
        return Stream.of(
                Arguments.of("for 0: the first breaching sample fires", 0L,
                        List.of("0=95"), List.of("0:FIRED")),
                Arguments.of("fires on the first sample at or after start + for", 60L,
                        List.of("0=95", "30=96", "59=97", "60=98", "90=99"), List.of("0:PENDING", "60:FIRED")),
                Arguments.of("a sample past start + for fires even if none landed exactly on it", 60L,
                        List.of("0=95", "45=96", "75=97"), List.of("0:PENDING", "75:FIRED")),
                Arguments.of("one healthy sample resets the streak", 60L,
                        List.of("0=95", "30=50", "45=95", "90=95", "105=95"),
                        List.of("0:PENDING", "30:RESOLVED", "45:PENDING", "105:FIRED")),
                Arguments.of("a value equal to the threshold does not breach '>'", 0L,
                        List.of("0=90", "10=90.0001"), List.of("10:FIRED")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forCases")
    void pendingPeriodIsServedExactlyAsSemanticsSays(String why, long forSeconds, List<String> samples, List<String> expected) {
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90))).setForMs(forSeconds * 1000).build());
        assertEquals(expected, run(samples.toArray(String[]::new)), why);
    }

    static Stream<Arguments> keepFiringCases() {
        return Stream.of(
                Arguments.of("keep 0: the first healthy sample resolves", 0L,
                        List.of("0=95", "10=50"), List.of("0:FIRED", "10:RESOLVED")),
                Arguments.of("resolves on the first healthy sample at or after keep start + keep_firing_for", 60L,
                        List.of("0=95", "10=50", "40=50", "69=50", "70=50"), List.of("0:FIRED", "70:RESOLVED")),
                Arguments.of("a breaching sample during the keep period cancels it", 60L,
                        List.of("0=95", "10=50", "40=95", "80=50", "120=50", "140=50"), List.of("0:FIRED", "140:RESOLVED")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keepFiringCases")
    void keepFiringForHoldsTheAlertAfterRecovery(String why, long keepSeconds, List<String> samples, List<String> expected) {
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90)))
                .setKeepFiringForMs(keepSeconds * 1000).build());
        assertEquals(expected, run(samples.toArray(String[]::new)), why);
    }

    @Test
    void recoveryThresholdKeepsTheAlertFiringUntilTheValueIsPastIt() {
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90, 85))).build());
        assertEquals(List.of("0:FIRED", "30:RESOLVED", "40:FIRED"),
                run("0=95", "10=89", "20=85.5", "30=85", "35=89", "40=91"),
                "fires above 90, holds while above 85, resolves at 85, and 89 is not enough to fire again");
    }

    @Test
    void severityFollowsTheMostUrgentLevelBreachedUpAndDown() {
        fx.rule(threshold("conn", "connections_used_ratio",
                List.of(above(Severity.WARNING, 80, 75), above(Severity.CRITICAL, 95, 90))).build());
        assertEquals(List.of("0:FIRED", "10:SEVERITY_CHANGED:CRITICAL", "20:SEVERITY_CHANGED:WARNING", "40:RESOLVED"),
                run("0=85", "10=96", "15=92", "20=89", "30=76", "40=74"));
        assertEquals(AlertState.RESOLVED, fx.state(KEY).getState());
    }

    @Test
    void firedEventCarriesEverythingTheNotificationNeeds() {
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 0.9)))
                .setSummary("{{instance_id}} uses {{value}} of its connections (> {{threshold}}) in {{labels.region}}")
                .setDescription("Rule {{rule_id}} on {{database_type}}/{{environment}} at {{severity}}")
                .setRunbookUrl("https://runbooks.example/conn")
                .setRoutingKey("dba-team")
                .setLabels(java.util.Map.of("team", "dba"))
                .build());
        fx.sample("pg-prod-01", "connections_used_ratio", 0.95, T0);
        AlertEvent fired = fx.events().get(0);
        assertEquals(MessageIds.of(KEY, 1, T0.toEpochMilli(), "FIRED", 0), fired.getMessageId());
        assertEquals(KEY, fired.getAlertKey());
        assertEquals("pg-prod-01 uses 0.95 of its connections (> 0.9) in eu-west-1", fired.getSummary());
        assertEquals("Rule conn on postgresql/prod at critical", fired.getDescription());
        assertEquals("https://runbooks.example/conn", fired.getRunbookUrl());
        assertEquals("dba-team", fired.getRoutingKey());
        assertEquals("dba", fired.getLabels().get("team"));
        assertEquals("eu-west-1", fired.getLabels().get("region"));
        assertEquals(Severity.CRITICAL, fired.getSeverity());
        assertEquals(0.95, fired.getValue());
        assertEquals(0.9, fired.getThreshold());
        assertEquals(T0, fired.getStartedAt());
        assertEquals(AlertState.FIRING, fired.getState());
        assertNull(fired.getPreviousState());
        assertEquals("FOR_ELAPSED", fired.getReason());
        assertNull(fired.getSuppressedBy());
    }

    @Test
    void resolveThenFireAgainOpensANewIncidentWithNewMessageIds() {
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90))).build());
        fx.sample("pg-prod-01", "connections_used_ratio", 95, T0);
        fx.sample("pg-prod-01", "connections_used_ratio", 50, T0.plusSeconds(10));
        fx.sample("pg-prod-01", "connections_used_ratio", 95, T0.plusSeconds(20));
        List<AlertEvent> events = fx.events();
        assertEquals(3, events.size());
        assertEquals(1, events.get(0).getIncident());
        assertEquals(1, events.get(1).getIncident());
        assertEquals(2, events.get(2).getIncident());
        assertEquals(Transition.FIRED, events.get(2).getTransition());
        assertNotEquals(events.get(0).getMessageId(), events.get(2).getMessageId());
        assertEquals(MessageIds.of(KEY, 2, T0.plusSeconds(20).toEpochMilli(), "FIRED", 0), events.get(2).getMessageId());
    }

    @Test
    void lateAndDuplicateSamplesAreIgnoredAndCounted() {
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90))).build());
        fx.sample("pg-prod-01", "connections_used_ratio", 95, T0.plusSeconds(60));
        assertEquals(List.of(Transition.FIRED), fx.events().stream().map(AlertEvent::getTransition).toList());

        fx.sample("pg-prod-01", "connections_used_ratio", 10, T0.plusSeconds(30));
        fx.sample("pg-prod-01", "connections_used_ratio", 10, T0.plusSeconds(60));
        assertTrue(fx.events().isEmpty(), "an older or same-time healthy sample must not resolve the alert");
        assertEquals(2, fx.alerting().counters().get(AlertingCounters.Counter.SAMPLES_LATE));
        assertEquals(AlertState.FIRING, fx.state(KEY).getState());

        fx.sample("pg-prod-01", "connections_used_ratio", 10, T0.plusSeconds(61));
        assertEquals(List.of(Transition.RESOLVED), fx.events().stream().map(AlertEvent::getTransition).toList());
    }

    @Test
    void pendingThatNeverFiredResolvesWithoutNotifying() {
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90))).setForMs(60_000).build());
        fx.sample("pg-prod-01", "connections_used_ratio", 95, T0);
        fx.sample("pg-prod-01", "connections_used_ratio", 50, T0.plusSeconds(10));
        List<AlertEvent> events = fx.events();
        assertEquals(Transition.RESOLVED, events.get(1).getTransition());
        assertEquals(AlertState.PENDING, events.get(1).getPreviousState());
        assertEquals("never-fired", events.get(1).getSuppressedBy());
        assertEquals("PENDING_CANCELLED", events.get(1).getReason());
    }

    @Test
    void sendResolvedFalseMarksTheResolvedEventSuppressed() {
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90))).setSendResolved(false).build());
        fx.sample("pg-prod-01", "connections_used_ratio", 95, T0);
        fx.sample("pg-prod-01", "connections_used_ratio", 50, T0.plusSeconds(10));
        List<AlertEvent> events = fx.events();
        assertNull(events.get(0).getSuppressedBy());
        assertEquals("rule:send_resolved=false", events.get(1).getSuppressedBy());
    }
}
