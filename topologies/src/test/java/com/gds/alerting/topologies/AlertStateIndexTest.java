package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.CommandOutcome;
import com.gds.alerting.avro.CommandRejection;
import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.CommandType;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.topologies.AlertingCounters.Counter;

/**
 * A healthy sample of a series without alert state, or whose alert is resolved, is decided from the
 * lifecycle processor's in-memory index of alert keys (issue 25), not from the {@code alert-state}
 * store: what the store would have said must still be said — late and duplicate evaluations of a
 * resolved alert are ignored and counted, a series sharing a resolved alert's key is reported, and a
 * state the retention sweep deleted is forgotten by the index too. Restart and restore:
 * {@code AlertStateIndexRestartIT}.
 */
class AlertStateIndexTest {

    private static final String METRIC = "replication_lag_seconds";
    private static final String KEY = "lag:pg-prod-01:" + METRIC;

    private AlertingFixture fx;

    @AfterEach
    void stop() {
        fx.close();
    }

    private void start() {
        fx = new AlertingFixture();
        fx.rule(threshold("lag", METRIC, List.of(above(Severity.CRITICAL, 60))).build());
    }

    private long counter(Counter counter) {
        return fx.alerting().counters().get(counter);
    }

    private static List<Transition> transitions(List<AlertEvent> events) {
        return events.stream().map(AlertEvent::getTransition).toList();
    }

    @Test
    void healthySamplesOfASeriesWithoutStateLeaveNoStateAndABreachOpensIncidentOne() {
        start();
        for (int i = 0; i < 5; i++) {
            fx.sample("pg-prod-01", METRIC, 5, T0.plusSeconds(10L * i));
        }
        assertEquals(List.of(), fx.events());
        assertNull(fx.state(KEY));
        assertEquals(5, counter(Counter.EVALUATIONS));
        fx.sample("pg-prod-01", METRIC, 120, T0.plusSeconds(50));
        List<AlertEvent> fired = fx.events();
        assertEquals(List.of(Transition.FIRED), transitions(fired));
        assertEquals(1, fired.get(0).getIncident());
    }

    @Test
    void aLateOrDuplicateEvaluationOfAResolvedAlertIsIgnoredAndCounted() {
        start();
        fx.sample("pg-prod-01", METRIC, 120, T0);
        fx.sample("pg-prod-01", METRIC, 5, T0.plusSeconds(60));
        assertEquals(List.of(Transition.FIRED, Transition.RESOLVED), transitions(fx.events()));
        long late = counter(Counter.SAMPLES_LATE);

        fx.sample("pg-prod-01", METRIC, 120, T0.plusSeconds(30));
        assertEquals(List.of(), fx.events(), "a breach older than the resolving sample opens no incident");
        assertEquals(late + 1, counter(Counter.SAMPLES_LATE));
        fx.sample("pg-prod-01", METRIC, 5, T0.plusSeconds(30));
        assertEquals(late + 2, counter(Counter.SAMPLES_LATE), "a late healthy sample is counted too");
        fx.sample("pg-prod-01", METRIC, 5, T0.plusSeconds(60));
        assertEquals(late + 3, counter(Counter.SAMPLES_LATE), "a replayed duplicate of the resolving sample is counted");
        fx.sample("pg-prod-01", METRIC, 120, T0.plusSeconds(60));
        assertEquals(List.of(), fx.events(), "a breach at the resolving sample's time is a duplicate");
        assertEquals(late + 4, counter(Counter.SAMPLES_LATE));

        fx.sample("pg-prod-01", METRIC, 5, T0.plusSeconds(90));
        assertEquals(late + 4, counter(Counter.SAMPLES_LATE), "a later healthy sample is not late");
        fx.sample("pg-prod-01", METRIC, 120, T0.plusSeconds(120));
        List<AlertEvent> again = fx.events();
        assertEquals(List.of(Transition.FIRED), transitions(again));
        assertEquals(2, again.get(0).getIncident(), "the resolved state's incident number is read when it breaches again");
    }

    @Test
    void aSeriesMeetingAResolvedAlertOfOtherTagsIsReported() {
        fx = new AlertingFixture();
        fx.rule(threshold("log-space", "log_space_used_ratio", List.of(above(Severity.HIGH, 0.9))).build());
        Map<String, String> orders = Map.of("environment", "prod", "database", "orders");
        Map<String, String> master = Map.of("environment", "prod", "database", "master");
        fx.sample("mssql-01", "log_space_used_ratio", 0.97, T0, orders);
        fx.sample("mssql-01", "log_space_used_ratio", 0.12, T0.plusSeconds(30), orders);
        assertEquals(List.of(Transition.FIRED, Transition.RESOLVED), transitions(fx.events()));
        assertEquals(0, counter(Counter.SERIES_SHARING_ALERT_KEY));
        fx.sample("mssql-01", "log_space_used_ratio", 0.12, T0.plusSeconds(60), master);
        assertEquals(1, counter(Counter.SERIES_SHARING_ALERT_KEY), "a healthy sample of the other series meets the resolved alert");
        fx.sample("mssql-01", "log_space_used_ratio", 0.12, T0.plusSeconds(90), orders);
        assertEquals(1, counter(Counter.SERIES_SHARING_ALERT_KEY), "the series the resolved alert followed is not counted");
    }

    @Test
    void aStateTheRetentionSweepDeletedIsForgottenByTheIndex() {
        Duration retention = Duration.ofDays(2);
        fx = new AlertingFixture(T0, "index-retention-test", c -> c.withResolvedRetention(retention)
                .withPunctuationInterval(Duration.ofSeconds(1)));
        fx.rule(threshold("lag", METRIC, List.of(above(Severity.CRITICAL, 60))).build());
        fx.sample("pg-prod-01", METRIC, 120, T0);
        fx.sample("pg-prod-01", METRIC, 5, T0.plusSeconds(60));
        fx.events();
        fx.advanceWallClock(retention.plusMinutes(1));
        assertEquals(1, counter(Counter.RESOLVED_ALERTS_EXPIRED));
        assertNull(fx.state(KEY));

        fx.command(CommandType.ACKNOWLEDGE, KEY, "alice", null);
        CommandResult result = fx.results().get(0);
        assertEquals(CommandOutcome.REJECTED, result.getOutcome());
        assertEquals(CommandRejection.UNKNOWN_ALERT, result.getRejection());

        long late = counter(Counter.SAMPLES_LATE);
        fx.sample("pg-prod-01", METRIC, 120, T0.plusSeconds(30));
        List<AlertEvent> fired = fx.events();
        assertEquals(List.of(Transition.FIRED), transitions(fired),
                "without a state nothing is late: the deleted state's last sample time is gone with it");
        assertEquals(1, fired.get(0).getIncident());
        assertEquals(late, counter(Counter.SAMPLES_LATE));
        assertEquals(AlertState.FIRING, fx.state(KEY).getState());
    }
}
