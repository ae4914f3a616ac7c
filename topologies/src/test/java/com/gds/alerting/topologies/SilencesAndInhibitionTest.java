package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.CommandType;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.Inhibition;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Silence;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.contract.MessageIds;
import com.gds.alerting.topologies.AlertingCounters.Counter;

/**
 * Silences and inhibition (docs/semantics.md): a silenced or inhibited alert keeps its state and history
 * but its notifying transitions carry {@code suppressed_by}; when the silence ends (or is deleted) or
 * the inhibiting alert resolves and the alert still fires, it notifies then.
 */
class SilencesAndInhibitionTest {

    private static final String LAG = "lag:pg-prod-01:replication_lag_seconds";
    private static final String LAG_2 = "lag:pg-prod-02:replication_lag_seconds";
    private static final String UP = "up:pg-prod-01:up";

    private AlertingFixture fx;

    @BeforeEach
    void start() {
        fx = new AlertingFixture();
        fx.rule(threshold("lag", "replication_lag_seconds", List.of(above(Severity.WARNING, 30), above(Severity.CRITICAL, 300)))
                .setRepeatIntervalMs(Duration.ofMinutes(10).toMillis())
                .build());
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private static Matcher eq(String label, String value) {
        return new Matcher(label, MatchOp.EQ, value);
    }

    private static Silence silence(String id, Instant start, Instant end, Matcher... matchers) {
        return Silence.newBuilder()
                .setSilenceId(id)
                .setMatchers(List.of(matchers))
                .setStartsAt(start)
                .setEndsAt(end)
                .setCreatedBy("alice")
                .setComment("failover drill")
                .setCreatedAt(start)
                .build();
    }

    /** Advances the wall clock a minute at a time (punctuation runs on each step), collecting the events. */
    private List<AlertEvent> wait(Duration total) {
        List<AlertEvent> all = new java.util.ArrayList<>();
        for (long m = 0; m < total.toMinutes(); m++) {
            fx.advanceWallClock(Duration.ofMinutes(1));
            all.addAll(fx.events());
        }
        return all;
    }

    private static List<Transition> transitions(List<AlertEvent> events) {
        return events.stream().map(AlertEvent::getTransition).toList();
    }

    @Test
    void aSilencedAlertKeepsStateAndHistoryButItsNotificationsAreSuppressed() {
        fx.silence(silence("s1", T0, T0.plus(Duration.ofMinutes(30)), eq("instance_id", "pg-prod-01")));
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0);
        fx.sample("pg-prod-02", "replication_lag_seconds", 42, T0);

        List<AlertEvent> events = fx.events();
        assertEquals(2, events.size());
        AlertEvent silenced = events.stream().filter(e -> e.getAlertKey().equals(LAG)).findFirst().orElseThrow();
        AlertEvent other = events.stream().filter(e -> e.getAlertKey().equals(LAG_2)).findFirst().orElseThrow();
        assertEquals(Transition.FIRED, silenced.getTransition());
        assertEquals("silence:s1", silenced.getSuppressedBy());
        assertNull(other.getSuppressedBy(), "a silence on pg-prod-01 does not touch pg-prod-02");
        assertEquals(AlertState.FIRING, fx.state(LAG).getState());
        assertEquals("silence:s1", fx.state(LAG).getMutedBy());

        List<AlertEvent> reminders = wait(Duration.ofMinutes(10));
        assertEquals(2, reminders.size(), "both alerts remind after 10 minutes");
        for (AlertEvent reminder : reminders) {
            assertEquals(Transition.REMINDER, reminder.getTransition());
            assertEquals(reminder.getAlertKey().equals(LAG) ? "silence:s1" : null, reminder.getSuppressedBy());
        }
        assertEquals(2, fx.alerting().counters().get(Counter.NOTIFICATIONS_SILENCED));
    }

    @Test
    void whenTheSilenceEndsWhileTheAlertStillFiresItNotifiesThenWithItsOwnMessageId() {
        fx.silence(silence("s1", T0, T0.plus(Duration.ofMinutes(15)), eq("instance_id", "pg-prod-01")));
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0);
        assertEquals("silence:s1", fx.events().get(0).getSuppressedBy());

        List<AlertEvent> during = wait(Duration.ofMinutes(14));
        assertEquals(List.of(Transition.REMINDER), transitions(during));
        assertEquals("silence:s1", during.get(0).getSuppressedBy());

        List<AlertEvent> after = wait(Duration.ofMinutes(1));
        assertEquals(List.of(Transition.FIRED), transitions(after), "the silence ended at T0+15min and the alert still fires");
        AlertEvent released = after.get(0);
        assertNull(released.getSuppressedBy());
        assertEquals("SILENCE_ENDED", released.getReason());
        assertEquals(AlertState.FIRING, released.getPreviousState());
        assertEquals(MessageIds.of(LAG, 1, T0.toEpochMilli(), "FIRED", 1), released.getMessageId(), "not the id of the silenced FIRED");
        assertNull(fx.state(LAG).getMutedBy());
        assertEquals(1, fx.alerting().counters().get(Counter.NOTIFICATIONS_RELEASED));

        fx.sample("pg-prod-01", "replication_lag_seconds", 5, T0.plus(Duration.ofMinutes(15)));
        AlertEvent resolved = fx.events().get(0);
        assertEquals(Transition.RESOLVED, resolved.getTransition());
        assertNull(resolved.getSuppressedBy(), "the receiver heard of the incident, so it hears that it is over");
    }

    @Test
    void anIncidentThatFiredAndResolvedUnderASilenceSendsNothingAtAllEvenAfterTheSilence() {
        fx.silence(silence("s1", T0, T0.plus(Duration.ofMinutes(15)), eq("instance_id", "pg-prod-01")));
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0);
        fx.sample("pg-prod-01", "replication_lag_seconds", 5, T0.plus(Duration.ofMinutes(1)));
        List<AlertEvent> events = fx.events();
        assertEquals(List.of(Transition.FIRED, Transition.RESOLVED), transitions(events));
        assertEquals("silence:s1", events.get(0).getSuppressedBy());
        assertEquals("silence:s1", events.get(1).getSuppressedBy());
        assertTrue(wait(Duration.ofMinutes(20)).isEmpty(), "nothing to say when the silence ends");
    }

    @Test
    void aResolveAfterTheSilenceWentAwayButBeforeAnyNotificationIsNotSentAlone() {
        fx.silence(silence("s1", T0, null, eq("instance_id", "pg-prod-01")));
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0);
        fx.events();
        // deleted, and the alert recovers before the next tick would have notified it again
        fx.deleteSilence("s1");
        fx.sample("pg-prod-01", "replication_lag_seconds", 5, T0.plusSeconds(1));
        List<AlertEvent> events = fx.events();
        assertEquals(List.of(Transition.RESOLVED), transitions(events));
        assertEquals("silence:s1", events.get(0).getSuppressedBy(), "the receiver never heard this incident fire");
        assertTrue(wait(Duration.ofMinutes(2)).isEmpty());
    }

    @Test
    void deletingAMaintenanceSilenceReleasesTheAlertsItKeptQuiet() {
        fx.silence(silence("maint", T0, null, eq("instance_id", "pg-prod-01")));
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0);
        assertEquals("silence:maint", fx.events().get(0).getSuppressedBy());
        assertTrue(transitions(wait(Duration.ofMinutes(5))).isEmpty());

        fx.deleteSilence("maint");
        List<AlertEvent> after = wait(Duration.ofMinutes(1));
        assertEquals(List.of(Transition.FIRED), transitions(after));
        assertNull(after.get(0).getSuppressedBy());
        assertEquals("SILENCE_ENDED", after.get(0).getReason());
    }

    @Test
    void aSilenceExtendedBeforeItEndsKeepsTheAlertQuietUntilTheNewEnd() {
        fx.silence(silence("s1", T0, T0.plus(Duration.ofMinutes(5)), eq("instance_id", "pg-prod-01")));
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0);
        fx.events();
        fx.silence(silence("s1", T0, T0.plus(Duration.ofMinutes(8)), eq("instance_id", "pg-prod-01")));
        assertTrue(wait(Duration.ofMinutes(7)).isEmpty(), "the first end passed, but the silence now runs to T0+8min");
        List<AlertEvent> after = wait(Duration.ofMinutes(1));
        assertEquals(List.of(Transition.FIRED), transitions(after));
        assertEquals("SILENCE_ENDED", after.get(0).getReason());
    }

    @Test
    void silencesMatchTheAlertsLabelsIncludingSeverity() {
        fx.silence(silence("warnings", T0, T0.plus(Duration.ofHours(1)), eq("severity", "warning"),
                new Matcher("rule_id", MatchOp.RE, "la.")));
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0);
        assertEquals("silence:warnings", fx.events().get(0).getSuppressedBy());
        fx.sample("pg-prod-01", "replication_lag_seconds", 400, T0.plusSeconds(30));
        AlertEvent critical = fx.events().get(0);
        assertEquals(Transition.SEVERITY_CHANGED, critical.getTransition());
        assertNull(critical.getSuppressedBy(), "the silence is on warnings; the alert is critical now");
        assertNull(fx.state(LAG).getMutedBy());
    }

    @Test
    void aSilenceThatStartsLaterDoesNotApplyYet() {
        fx.silence(silence("later", T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(2)), eq("instance_id", "pg-prod-01")));
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0);
        assertNull(fx.events().get(0).getSuppressedBy());
    }

    @Test
    void anAlertAcknowledgedWhileSilencedStaysQuietWhenTheSilenceEnds() {
        fx.silence(silence("s1", T0, T0.plus(Duration.ofMinutes(5)), eq("instance_id", "pg-prod-01")));
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0);
        fx.events();
        fx.send(fx.command(CommandType.ACKNOWLEDGE, LAG, "bob", null));
        assertEquals(List.of(Transition.ACKNOWLEDGED), transitions(fx.events()));
        assertTrue(wait(Duration.ofMinutes(10)).isEmpty(), "somebody owns it: no notification when the silence ends");
    }

    private void upRule(List<Inhibition> inhibits) {
        fx.rule(threshold("up", "up", List.of(new Condition(Severity.CRITICAL, Comparison.LT, 1.0, null)))
                .setInhibits(inhibits)
                .build());
    }

    @Test
    void aFiringSourceInhibitsTheOtherAlertsOfItsInstanceAndReleasesThemWhenItResolves() {
        upRule(List.of(new Inhibition(List.of(), List.of())));
        fx.sample("pg-prod-01", "up", 0, T0);
        AlertEvent down = fx.events().get(0);
        assertEquals(UP, down.getAlertKey());
        assertNull(down.getSuppressedBy(), "the source itself notifies");

        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0.plusSeconds(10));
        fx.sample("pg-prod-02", "replication_lag_seconds", 42, T0.plusSeconds(10));
        List<AlertEvent> lag = fx.events();
        assertEquals("inhibited-by:" + UP, lag.stream().filter(e -> e.getAlertKey().equals(LAG)).findFirst().orElseThrow()
                .getSuppressedBy());
        assertNull(lag.stream().filter(e -> e.getAlertKey().equals(LAG_2)).findFirst().orElseThrow().getSuppressedBy(),
                "another instance is not inhibited");
        assertEquals(List.of(LAG), fx.state(UP).getInhibiting());
        assertEquals(1, fx.alerting().counters().get(Counter.NOTIFICATIONS_INHIBITED));

        fx.sample("pg-prod-01", "up", 1, T0.plusSeconds(20));
        List<AlertEvent> after = fx.events();
        assertEquals(List.of(Transition.RESOLVED, Transition.FIRED), transitions(after));
        assertEquals(UP, after.get(0).getAlertKey());
        AlertEvent released = after.get(1);
        assertEquals(LAG, released.getAlertKey());
        assertNull(released.getSuppressedBy());
        assertEquals("INHIBITION_ENDED", released.getReason());
        assertTrue(fx.state(UP).getInhibiting().isEmpty());
    }

    @Test
    void inhibitionHonoursTargetMatchersAndEqualLabels() {
        upRule(List.of(new Inhibition(List.of(eq("severity", "warning")), List.of("region"))));
        fx.sample("pg-prod-01", "up", 0, T0, java.util.Map.of("environment", "prod", "region", "eu-west-1"));
        fx.events();
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0.plusSeconds(10),
                java.util.Map.of("environment", "prod", "region", "us-east-1"));
        assertNull(fx.events().get(0).getSuppressedBy(), "region differs from the source's");
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0.plusSeconds(20),
                java.util.Map.of("environment", "prod", "region", "eu-west-1"));
        assertTrue(fx.events().isEmpty(), "no transition: still firing at warning");
        fx.sample("pg-prod-01", "replication_lag_seconds", 400, T0.plusSeconds(30),
                java.util.Map.of("environment", "prod", "region", "eu-west-1"));
        AlertEvent critical = fx.events().get(0);
        assertEquals(Transition.SEVERITY_CHANGED, critical.getTransition());
        assertNull(critical.getSuppressedBy(), "the inhibition targets warnings only");
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0.plusSeconds(40),
                java.util.Map.of("environment", "prod", "region", "eu-west-1"));
        AlertEvent warning = fx.events().get(0);
        assertEquals(Transition.SEVERITY_CHANGED, warning.getTransition());
        assertEquals("inhibited-by:" + UP, warning.getSuppressedBy(), "same region, a warning: inhibited");
    }

    @Test
    void anAlertThatFiredAndResolvedWhileInhibitedSendsNothing() {
        upRule(List.of(new Inhibition(List.of(), List.of())));
        fx.sample("pg-prod-01", "up", 0, T0);
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0.plusSeconds(10));
        fx.sample("pg-prod-01", "replication_lag_seconds", 5, T0.plusSeconds(20));
        List<AlertEvent> lag = fx.events().stream().filter(e -> e.getAlertKey().equals(LAG)).toList();
        assertEquals(List.of(Transition.FIRED, Transition.RESOLVED), transitions(lag));
        assertEquals("inhibited-by:" + UP, lag.get(1).getSuppressedBy());
        fx.sample("pg-prod-01", "up", 1, T0.plusSeconds(30));
        assertEquals(List.of(Transition.RESOLVED), transitions(fx.events()), "only the source's own resolve");
    }

    @Test
    void removingTheInhibitionFromTheSourceRuleReleasesItsTargets() {
        upRule(List.of(new Inhibition(List.of(), List.of())));
        fx.sample("pg-prod-01", "up", 0, T0);
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0.plusSeconds(10));
        fx.events();
        upRule(List.of());
        List<AlertEvent> after = wait(Duration.ofMinutes(1));
        assertEquals(List.of(Transition.FIRED), transitions(after));
        assertEquals(LAG, after.get(0).getAlertKey());
        assertEquals("INHIBITION_ENDED", after.get(0).getReason());
    }
}
