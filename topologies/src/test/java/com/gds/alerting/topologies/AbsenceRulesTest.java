package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.absence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
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
import com.gds.alerting.avro.internal.AbsenceTrack;

/** Absence rules on the wall clock: fire {@code for} after the last sample, resolve on the next, forget the long silent. */
class AbsenceRulesTest {

    private static final String INSTANCE = "pg-prod-01";
    private static final String KEY = "collector-silent:" + INSTANCE + ":up";

    private AlertingFixture fx;

    @BeforeEach
    void start() {
        fx = new AlertingFixture();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    /** A sample now (event time = wall clock, as a live collector sends it). */
    private void sampleNow() {
        fx.sample(INSTANCE, "up", 1, fx.wallClock());
    }

    /** Advances the wall clock one second at a time until an event comes out; returns its offset from T0 in seconds. */
    private List<String> tickUntil(Duration until) {
        List<String> seen = new ArrayList<>();
        while (fx.wallClock().isBefore(T0.plus(until))) {
            fx.advanceWallClock(Duration.ofSeconds(1));
            for (TestRecord<String, AlertEvent> r : fx.eventRecords()) {
                seen.add((r.timestamp() - T0.toEpochMilli()) / 1000 + ":" + r.value().getTransition() + ":" + r.value().getReason());
            }
        }
        return seen;
    }

    static Stream<Arguments> silences() {
        return Stream.of(
                Arguments.of("one sample at 0: fires at exactly 0 + for", List.of(0L), List.of("300:FIRED:FOR_ELAPSED")),
                Arguments.of("the last of several samples counts (the timer re-arms lazily)", List.of(0L, 60L, 120L),
                        List.of("420:FIRED:FOR_ELAPSED")),
                Arguments.of("a sample just before the deadline pushes it back a whole 'for'", List.of(0L, 299L),
                        List.of("599:FIRED:FOR_ELAPSED")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("silences")
    void firesExactlyForAfterTheLastSample(String why, List<Long> sampleSeconds, List<String> expected) {
        fx.rule(absence("collector-silent", "up", Duration.ofMinutes(5), Severity.HIGH, null).build());
        List<String> seen = new ArrayList<>();
        for (long second : sampleSeconds) {
            seen.addAll(tickUntil(Duration.ofSeconds(second)));
            sampleNow();
        }
        seen.addAll(tickUntil(Duration.ofMinutes(11)));
        assertEquals(expected, seen, why);
    }

    @Test
    void theAbsenceAlertCarriesItsSeverityAndSilence() {
        fx.rule(absence("collector-silent", "up", Duration.ofMinutes(5), Severity.HIGH, null).build());
        sampleNow();
        fx.advanceWallClock(Duration.ofMinutes(5));
        List<AlertEvent> events = fx.events();
        assertEquals(1, events.size());
        assertEquals(Severity.HIGH, events.get(0).getSeverity());
        assertEquals(300.0, events.get(0).getValue());
        assertEquals(300.0, events.get(0).getThreshold());
    }

    @Test
    void resolvesOnTheNextSample() {
        fx.rule(absence("collector-silent", "up", Duration.ofMinutes(5), Severity.HIGH, null).build());
        sampleNow();
        fx.advanceWallClock(Duration.ofMinutes(7));
        assertEquals(Transition.FIRED, fx.events().get(0).getTransition());
        sampleNow();
        List<AlertEvent> events = fx.events();
        assertEquals(1, events.size());
        assertEquals(Transition.RESOLVED, events.get(0).getTransition());
        assertEquals("RECOVERED", events.get(0).getReason());
        // and it is watched again: silent another 5 minutes, a second incident
        fx.advanceWallClock(Duration.ofMinutes(5));
        assertEquals(2L, fx.events().get(0).getIncident());
    }

    @Test
    void anInstanceSilentLongerThanTheRetentionIsForgottenAndItsAlertResolved() {
        fx.rule(absence("collector-silent", "up", Duration.ofMinutes(5), Severity.HIGH, Duration.ofHours(1)).build());
        sampleNow();
        List<String> seen = tickUntil(Duration.ofMinutes(61));
        assertEquals(List.of("300:FIRED:FOR_ELAPSED", "3600:RESOLVED:INSTANCE_FORGOTTEN"), seen);
        KeyValueStore<String, AbsenceTrack> tracks = fx.store(AlertingTopology.Names.ABSENCE_STORE);
        assertNull(tracks.get(KEY));
        assertEquals(AlertState.RESOLVED, fx.state(KEY).getState());
        // Nothing more fires for a forgotten instance; when it comes back it is tracked again.
        assertEquals(List.of(), tickUntil(Duration.ofHours(3)));
        sampleNow();
        assertEquals(List.of(), fx.events());
        assertNotNull(tracks.get(KEY));
    }

    @Test
    void theTopologysRetentionAppliesWhenTheRuleSetsNone() {
        fx.rule(absence("collector-silent", "up", Duration.ofMinutes(5), Severity.HIGH, null).build());
        sampleNow();
        fx.advanceWallClock(Duration.ofMinutes(5));
        assertEquals(Transition.FIRED, fx.events().get(0).getTransition());
        fx.advanceWallClock(Duration.ofDays(7).minusMinutes(5).minusSeconds(1));
        assertEquals(List.of(), fx.events());
        fx.advanceWallClock(Duration.ofSeconds(1));
        assertEquals("INSTANCE_FORGOTTEN", fx.events().get(0).getReason());
    }

    @Test
    void anInstanceNeverSeenIsNotAbsent() {
        fx.rule(absence("collector-silent", "up", Duration.ofMinutes(5), Severity.HIGH, null).build());
        fx.advanceWallClock(Duration.ofHours(1));
        assertEquals(List.of(), fx.events());
    }
}
