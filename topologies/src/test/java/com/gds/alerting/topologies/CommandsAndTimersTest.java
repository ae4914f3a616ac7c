package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.CommandOutcome;
import com.gds.alerting.avro.CommandRejection;
import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.CommandType;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.contract.MessageIds;

/** Operator commands, reminders and escalation (wall-clock punctuation). */
class CommandsAndTimersTest {

    private static final String KEY = "lag:pg-prod-01:replication_lag_seconds";

    private AlertingFixture fx;

    @BeforeEach
    void start() {
        fx = new AlertingFixture();
        fx.rule(threshold("lag", "replication_lag_seconds", List.of(above(Severity.WARNING, 30)))
                .setRepeatIntervalMs(Duration.ofMinutes(10).toMillis())
                .setEscalateAfterMs(Duration.ofMinutes(25).toMillis())
                .setEscalateToSeverity(Severity.CRITICAL)
                .setEscalateRoutingKey("dba-oncall")
                .setRoutingKey("dba-team")
                .build());
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private void fire() {
        fx.sample("pg-prod-01", "replication_lag_seconds", 42, T0);
        assertEquals(List.of(Transition.FIRED), transitions(fx.events()));
    }

    private static List<Transition> transitions(List<AlertEvent> events) {
        return events.stream().map(AlertEvent::getTransition).toList();
    }

    @Test
    void remindersComeEveryRepeatIntervalWithTheirOwnMessageIds() {
        fire();
        fx.advanceWallClock(Duration.ofMinutes(9));
        assertTrue(fx.events().isEmpty());
        fx.advanceWallClock(Duration.ofMinutes(1));
        List<AlertEvent> first = fx.events();
        assertEquals(List.of(Transition.REMINDER), transitions(first));
        assertEquals(1, first.get(0).getReminderNumber());
        assertEquals(MessageIds.of(KEY, 1, T0.toEpochMilli(), "REMINDER", 1), first.get(0).getMessageId());
        fx.advanceWallClock(Duration.ofMinutes(10));
        List<AlertEvent> second = fx.events();
        assertEquals(2, second.get(0).getReminderNumber());
        assertEquals(MessageIds.of(KEY, 1, T0.toEpochMilli(), "REMINDER", 2), second.get(0).getMessageId());
    }

    @Test
    void escalatesWhenNotAcknowledgedInTime() {
        fire();
        for (int minute = 0; minute < 25; minute++) {
            fx.advanceWallClock(Duration.ofMinutes(1));
        }
        List<AlertEvent> events = fx.events();
        assertEquals(List.of(Transition.REMINDER, Transition.REMINDER, Transition.ESCALATED), transitions(events));
        AlertEvent escalated = events.get(2);
        assertEquals(Severity.CRITICAL, escalated.getSeverity());
        assertEquals("dba-oncall", escalated.getRoutingKey());
        assertEquals("NOT_ACKNOWLEDGED_IN_TIME", escalated.getReason());
        fx.advanceWallClock(Duration.ofMinutes(60));
        assertTrue(transitions(fx.events()).stream().allMatch(t -> t == Transition.REMINDER), "escalation happens once");
    }

    @Test
    void acknowledgingStopsRemindersAndEscalationButNotResolution() {
        fire();
        fx.advanceWallClock(Duration.ofMinutes(1));
        AlertCommand ack = fx.command(CommandType.ACKNOWLEDGE, KEY, "alice", 1L);
        List<AlertEvent> acked = fx.events();
        assertEquals(List.of(Transition.ACKNOWLEDGED), transitions(acked));
        assertEquals("alice", acked.get(0).getAcknowledgedBy());
        assertEquals(ack.getCommandId(), acked.get(0).getCommandId());
        assertEquals(CommandOutcome.APPLIED, fx.results().get(0).getOutcome());

        fx.advanceWallClock(Duration.ofHours(2));
        assertTrue(fx.events().isEmpty(), "no reminder and no escalation after the ack");

        fx.sample("pg-prod-01", "replication_lag_seconds", 2, T0.plusSeconds(60));
        List<AlertEvent> resolved = fx.events();
        assertEquals(List.of(Transition.RESOLVED), transitions(resolved));
        assertEquals(AlertState.ACKNOWLEDGED, resolved.get(0).getPreviousState());
        assertNull(resolved.get(0).getResolvedBy(), "it recovered by itself");
    }

    @Test
    void unacknowledgingRestartsReminders() {
        fire();
        fx.command(CommandType.ACKNOWLEDGE, KEY, "alice", null);
        fx.command(CommandType.UNACKNOWLEDGE, KEY, "alice", null);
        assertEquals(List.of(Transition.ACKNOWLEDGED, Transition.UNACKNOWLEDGED), transitions(fx.events()));
        fx.advanceWallClock(Duration.ofMinutes(10));
        assertEquals(List.of(Transition.REMINDER), transitions(fx.events()));
    }

    @Test
    void manualResolveRecordsWhoAndWhyAndStopsTimers() {
        fire();
        fx.command(CommandType.RESOLVE, KEY, "bob", null);
        List<AlertEvent> events = fx.events();
        assertEquals(List.of(Transition.RESOLVED), transitions(events));
        assertEquals("bob", events.get(0).getResolvedBy());
        assertEquals("looking at it", events.get(0).getResolveComment());
        assertEquals("MANUAL", events.get(0).getReason());
        fx.advanceWallClock(Duration.ofHours(1));
        assertTrue(fx.events().isEmpty());
    }

    @Test
    void commandsThatCannotApplyAreRejectedWithTheReason() {
        fx.command(CommandType.ACKNOWLEDGE, "lag:pg-prod-99:replication_lag_seconds", "alice", null);
        CommandResult unknown = fx.results().get(0);
        assertEquals(CommandOutcome.REJECTED, unknown.getOutcome());
        assertEquals(CommandRejection.UNKNOWN_ALERT, unknown.getRejection());
        assertTrue(unknown.getDetail().contains("pg-prod-99"), unknown.getDetail());

        fire();
        fx.command(CommandType.UNACKNOWLEDGE, KEY, "alice", null);
        assertEquals(CommandRejection.NOT_ACKNOWLEDGED, fx.results().get(0).getRejection());
        fx.command(CommandType.ACKNOWLEDGE, KEY, "alice", 7L);
        assertEquals(CommandRejection.STALE_INCIDENT, fx.results().get(0).getRejection());
        fx.command(CommandType.ACKNOWLEDGE, KEY, "alice", 1L);
        fx.command(CommandType.ACKNOWLEDGE, KEY, "carol", 1L);
        List<CommandResult> acks = fx.results();
        assertEquals(CommandOutcome.APPLIED, acks.get(0).getOutcome());
        assertEquals(CommandRejection.ALREADY_ACKNOWLEDGED, acks.get(1).getRejection());

        fx.sample("pg-prod-01", "replication_lag_seconds", 1, T0.plusSeconds(30));
        fx.command(CommandType.RESOLVE, KEY, "alice", null);
        CommandResult late = fx.results().get(0);
        assertEquals(CommandRejection.ALREADY_RESOLVED, late.getRejection());
        assertEquals(AlertState.RESOLVED, late.getState());
        assertEquals(List.of(Transition.ACKNOWLEDGED, Transition.RESOLVED), transitions(fx.events()),
                "rejected commands change nothing");
        assertEquals(5, fx.alerting().counters().get(AlertingCounters.Counter.COMMANDS_REJECTED));
    }

    @Test
    void aRetriedCommandIsAppliedOnce() {
        fire();
        AlertCommand ack = fx.command(CommandType.ACKNOWLEDGE, KEY, "alice", null);
        fx.send(ack);
        List<CommandResult> results = fx.results();
        assertEquals(CommandOutcome.APPLIED, results.get(0).getOutcome());
        assertEquals(CommandOutcome.DUPLICATE, results.get(1).getOutcome());
        assertEquals(List.of(Transition.ACKNOWLEDGED), transitions(fx.events()));
    }

    @Test
    void aCommandOnAPendingAlertIsRejected() {
        fx.rule(threshold("slow", "longest_query_seconds", List.of(above(Severity.WARNING, 60))).setForMs(300_000).build());
        fx.sample("pg-prod-01", "longest_query_seconds", 120, T0);
        fx.events();
        fx.command(CommandType.ACKNOWLEDGE, "slow:pg-prod-01:longest_query_seconds", "alice", null);
        assertEquals(CommandRejection.NOT_FIRING, fx.results().get(0).getRejection());
    }

    @Test
    void theHistoryStoreKeepsEveryTransitionOfTheAlertInOrder() {
        fire();
        fx.command(CommandType.ACKNOWLEDGE, KEY, "alice", null);
        fx.sample("pg-prod-01", "replication_lag_seconds", 1, T0.plusSeconds(30));
        org.apache.kafka.streams.state.KeyValueStore<String, com.gds.alerting.avro.internal.AlertHistory> store =
                fx.driver().getKeyValueStore(AlertingTopology.Names.ALERT_HISTORY_STORE);
        assertEquals(List.of(Transition.FIRED, Transition.ACKNOWLEDGED, Transition.RESOLVED),
                transitions(store.get(KEY).getEvents()));
    }
}
