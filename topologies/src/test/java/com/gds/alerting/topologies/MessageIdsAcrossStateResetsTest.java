package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;

/**
 * Message ids across a state reset (issue 16, item 1): a second deployment (new
 * {@code application.id}, empty state) replaying the same metrics reproduces every id of the first
 * run, while the incidents it opens on new metrics — numbered from 1 again — carry ids the first
 * run never sent, so gds_notification drops no real page as a repeat.
 */
class MessageIdsAcrossStateResetsTest {

    private static final List<String> INSTANCES = List.of("pg-prod-01", "pg-prod-02", "pg-prod-03");
    private static final String METRIC = "replication_lag_seconds";

    /** One sample per minute per instance for {@code minutes}: breaching in alternate 10-minute stretches. */
    private static void feed(AlertingFixture fx, Instant from, int minutes) {
        for (int m = 0; m < minutes; m++) {
            Instant at = from.plus(Duration.ofMinutes(m));
            if (at.isAfter(fx.wallClock())) {
                fx.advanceWallClock(Duration.between(fx.wallClock(), at));
            }
            for (int i = 0; i < INSTANCES.size(); i++) {
                boolean breaching = ((m + 3 * i) / 10) % 2 == 0;
                fx.sample(INSTANCES.get(i), METRIC, breaching ? 120 : 5, at);
            }
        }
    }

    private static AlertingFixture deployment(String applicationId) {
        AlertingFixture fx = new AlertingFixture(T0, applicationId, UnaryOperator.identity());
        fx.rule(threshold("lag", METRIC, List.of(above(Severity.CRITICAL, 60))).setRepeatIntervalMs(Duration.ofMinutes(4).toMillis())
                .build());
        return fx;
    }

    private static List<AlertEvent> run(String applicationId, Instant from, int minutes) {
        try (AlertingFixture fx = deployment(applicationId)) {
            feed(fx, from, minutes);
            return fx.events();
        }
    }

    private static Set<String> ids(List<AlertEvent> events) {
        Set<String> ids = new HashSet<>();
        events.forEach(e -> ids.add(e.getMessageId()));
        return ids;
    }

    /** (key, incident, transition, number): what the id was built from before the start time was in it. */
    private static Set<String> oldIdentities(List<AlertEvent> events) {
        Set<String> identities = new HashSet<>();
        events.forEach(e -> identities.add(e.getAlertKey() + "/" + e.getIncident() + "/" + e.getTransition() + "/"
                + e.getReminderNumber()));
        return identities;
    }

    @Test
    void aReplayUnderANewApplicationIdReproducesEveryIdExactly() {
        List<AlertEvent> first = run("alerting-run-1", T0, 120);
        List<AlertEvent> replay = run("alerting-run-2", T0, 120);

        assertTrue(first.stream().filter(e -> e.getTransition() == Transition.FIRED).count() >= 12,
                "several incidents per key: " + first.size() + " events");
        assertTrue(first.stream().anyMatch(e -> e.getTransition() == Transition.REMINDER), "reminders carry ids too");
        assertEquals(first.stream().map(AlertEvent::getMessageId).toList(), replay.stream().map(AlertEvent::getMessageId).toList(),
                "the same transitions, in the same order, with the same ids");
        assertEquals(first.size(), ids(first).size(), "every transition of a run has its own id");
    }

    @Test
    void newIncidentsAfterAStateResetNeverReuseAnIdOfTheFirstRun() {
        List<AlertEvent> first = run("alerting-run-1", T0, 120);
        // The state is lost (another application.id): the same keys breach again later, and their
        // incident numbers start at 1 again.
        Instant later = T0.plus(Duration.ofHours(3));
        List<AlertEvent> afterReset = run("alerting-run-3", later, 120);

        Set<String> overlap = oldIdentities(first);
        overlap.retainAll(oldIdentities(afterReset));
        assertFalse(overlap.isEmpty(), "the runs share (key, incident, transition, number): the ids that used to collide");
        Set<String> shared = ids(first);
        shared.retainAll(ids(afterReset));
        assertEquals(Set.of(), shared, "no id of the first run is sent again for a new incident");
    }

    @Test
    void aNewDeploymentReplayingTheOldMetricsThenGoingOnSendsOnlyNewIdsForNewIncidents() {
        List<AlertEvent> first = run("alerting-run-1", T0, 120);
        List<AlertEvent> second;
        try (AlertingFixture fx = deployment("alerting-run-4")) {
            feed(fx, T0, 120);
            List<AlertEvent> replayed = fx.events();
            assertEquals(ids(first), ids(replayed), "the replayed part: the first run's ids");
            feed(fx, T0.plus(Duration.ofHours(3)), 60);
            second = fx.events();
        }
        assertFalse(second.isEmpty());
        Set<String> shared = ids(first);
        shared.retainAll(ids(second));
        assertEquals(Set.of(), shared, "what the new deployment sends after the replay is all new");
        List<Long> incidents = new ArrayList<>();
        second.forEach(e -> incidents.add(e.getIncident()));
        assertTrue(incidents.stream().allMatch(n -> n > 1), "the replayed state numbers on: " + incidents);
    }
}
