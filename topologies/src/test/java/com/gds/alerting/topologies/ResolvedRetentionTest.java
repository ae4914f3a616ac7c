package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.avro.internal.AlertHistory;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.topologies.AlertingCounters.Counter;

/**
 * The state of a resolved alert is deleted once the resolved retention has passed, so the
 * {@code alert-state} store does not keep every key ever seen; an incident opened later on the key
 * starts at 1 again, with message ids of its own.
 */
class ResolvedRetentionTest {

    private static final String METRIC = "replication_lag_seconds";
    private static final String KEY = "lag:pg-prod-01:" + METRIC;
    private static final Duration RETENTION = Duration.ofDays(2);

    private AlertingFixture fx;

    @AfterEach
    void stop() {
        fx.close();
    }

    private void start(Duration punctuation) {
        fx = new AlertingFixture(T0, "retention-test", c -> c.withResolvedRetention(RETENTION).withPunctuationInterval(punctuation));
        fx.rule(threshold("lag", METRIC, List.of(above(Severity.CRITICAL, 60))).build());
    }

    /** Moves the wall clock to {@code at} in one step (one tick), then samples there. */
    private void sampleAt(String instance, double value, Instant at) {
        if (at.isAfter(fx.wallClock())) {
            fx.advanceWallClock(Duration.between(fx.wallClock(), at));
        }
        fx.sample(instance, METRIC, value, at);
    }

    @Test
    void aResolvedAlertIsDeletedWithItsHistoryOnceTheRetentionHasPassed() {
        start(Duration.ofSeconds(1));
        sampleAt("pg-prod-01", 120, T0);
        sampleAt("pg-prod-01", 5, T0.plusSeconds(60));
        sampleAt("pg-prod-02", 120, T0.plusSeconds(60)); // stays open throughout
        List<AlertEvent> first = fx.events();
        assertEquals(List.of(Transition.FIRED, Transition.RESOLVED, Transition.FIRED), first.stream().map(AlertEvent::getTransition).toList());
        KeyValueStore<String, AlertHistory> history = fx.store(AlertingTopology.Names.ALERT_HISTORY_STORE);

        fx.advanceWallClock(RETENTION.minusMinutes(1));
        assertNotNull(fx.state(KEY), "within the retention the resolved alert stays");
        assertNotNull(history.get(KEY));

        fx.advanceWallClock(Duration.ofMinutes(2));
        assertNull(fx.state(KEY), "resolved more than the retention ago: deleted");
        assertNull(history.get(KEY), "its history goes with it");
        assertEquals(1, fx.alerting().counters().get(Counter.RESOLVED_ALERTS_EXPIRED));
        AlertStatus open = fx.state("lag:pg-prod-02:" + METRIC);
        assertEquals(AlertState.FIRING, open.getState(), "an open alert is never deleted, however old");
        assertTrue(fx.events().isEmpty(), "deleting sends nothing on gds.alerts.events");

        Instant again = fx.wallClock();
        sampleAt("pg-prod-01", 120, again);
        AlertEvent fired = fx.events().get(0);
        assertEquals(1, fired.getIncident(), "the key starts over at incident 1");
        assertNotEquals(first.get(0).getMessageId(), fired.getMessageId(), "but the id differs by the incident's start time");
        assertEquals(again, fired.getStartedAt());
    }

    @Test
    void pastTheRetentionANewIncidentStartsAtOneEvenBeforeTheSweepCameBy() {
        start(Duration.ofDays(30)); // no tick within the test: nothing is deleted
        sampleAt("pg-prod-01", 120, T0);
        sampleAt("pg-prod-01", 5, T0.plusSeconds(60));
        sampleAt("pg-prod-01", 120, T0.plus(RETENTION)); // within the retention: incident 2
        sampleAt("pg-prod-01", 5, T0.plus(RETENTION).plusSeconds(60));
        sampleAt("pg-prod-01", 120, T0.plus(RETENTION.multipliedBy(3)));
        List<Long> incidents = fx.events().stream().filter(e -> e.getTransition() == Transition.FIRED)
                .map(AlertEvent::getIncident).toList();
        assertEquals(List.of(1L, 2L, 1L), incidents,
                "numbering depends on event time only, not on when the sweep ran, so a replay numbers alike");
        assertEquals(0, fx.alerting().counters().get(Counter.RESOLVED_ALERTS_EXPIRED));
    }

    @Test
    void theSweepLooksAtABoundedNumberOfKeysPerTick() {
        start(Duration.ofSeconds(1));
        int keys = 1_500;
        for (int i = 0; i < keys; i++) {
            fx.sample("pg-" + i, METRIC, 120, T0);
            fx.sample("pg-" + i, METRIC, 5, T0.plusSeconds(1));
        }
        fx.events();
        fx.advanceWallClock(RETENTION.plusMinutes(1));
        long afterOneTick = fx.alerting().counters().get(Counter.RESOLVED_ALERTS_EXPIRED);
        assertEquals(1_000, afterOneTick, "one tick looks at 1,000 keys");
        fx.advanceWallClock(Duration.ofSeconds(1));
        assertEquals(keys, fx.alerting().counters().get(Counter.RESOLVED_ALERTS_EXPIRED), "the next tick goes on from there");
        KeyValueStore<String, AlertStatus> states = fx.store(AlertingTopology.Names.ALERT_STATE_STORE);
        assertEquals(0, states.approximateNumEntries());
    }
}
