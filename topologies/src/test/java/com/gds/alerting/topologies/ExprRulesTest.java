package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.AlertingFixture.header;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.below;
import static com.gds.alerting.topologies.TestRules.eq;
import static com.gds.alerting.topologies.TestRules.expr;
import static com.gds.alerting.topologies.TestRules.exprLevels;
import static com.gds.alerting.topologies.TestRules.level;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.ExprLevel;
import com.gds.alerting.avro.OverrideMode;
import com.gds.alerting.avro.RuleOverride;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.topologies.AlertingCounters.Counter;
import com.gds.alerting.topologies.intake.DeadLetter;

/**
 * EXPR rules through the whole topology: a PromQL expression over one instance's series, evaluated
 * once per collection instant of the instance, one alert per result series, with the lifecycle every
 * rule kind shares.
 */
class ExprRulesTest {

    private static final String PG = "pg-prod-01";
    private static final Map<String, String> PROD = Map.of("environment", "prod");

    private AlertingFixture fx;

    @BeforeEach
    void setUp() {
        fx = new AlertingFixture(T0.plus(Duration.ofHours(1))); // samples up to an hour after T0 are not from the future
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static Instant min(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private void sample(String metric, double value, int minute) {
        fx.sample(PG, metric, value, min(minute), PROD);
    }

    private void sample(String metric, double value, int minute, String table) {
        fx.sample(PG, metric, value, min(minute), Map.of("environment", "prod", "table", table));
    }

    private static String times(List<AlertEvent> events) {
        return events.stream().map(e -> e.getTransition() + "@" + Duration.between(T0, e.getUpdatedAt()).toMinutes() + "m"
                + (e.getSeverity() == null ? "" : "/" + e.getSeverity())).collect(Collectors.joining(" "));
    }

    @Test
    void ratioOfTwoCountersRatesFiresAfterForAndResolvesWhenTheRollbacksStop() {
        fx.rule(expr("rollback-ratio", "rate(xact_rollback[5m]) / (rate(xact_commit[5m]) + rate(xact_rollback[5m]))",
                List.of(above(Severity.WARNING, 0.05))).setForMs(Duration.ofMinutes(2).toMillis()).build());
        for (int m = 0; m <= 24; m++) {
            sample("xact_commit", 100.0 * m, m);
            // No rollback until minute 10, then 100 a minute until minute 19, then none.
            sample("xact_rollback", m < 10 ? 0 : (Math.min(m, 19) - 9) * 100.0, m);
        }
        List<AlertEvent> events = fx.events();
        // The first window holding a rollback is the one ending at 10m; 'for' 2m; the last one is [18m, 23m].
        assertEquals("PENDING@10m/WARNING FIRED@12m/WARNING RESOLVED@24m/WARNING", times(events));
        assertEquals("rollback-ratio:" + PG + ":__expr__", events.get(0).getAlertKey(),
                "arithmetic drops the metric name, and the result has no label but the instance's");
        assertEquals(0.05, events.get(1).getThreshold());
        assertTrue(events.get(1).getValue() > 0.05, "the value is the expression's: " + events.get(1).getValue());
        assertEquals("__expr__", events.get(1).getMetricName());
    }

    @Test
    void aGaugeAgainstAnotherGaugeFiresPerSeverityAndFollowsTheRatio() {
        fx.rule(exprLevels("connections-near-max",
                level(Severity.WARNING, "connections > max_connections * 0.8"),
                level(Severity.CRITICAL, "connections > max_connections * 0.95")).build());
        double[] connections = {50, 85, 97, 85, 50};
        for (int m = 0; m < connections.length; m++) {
            sample("max_connections", 100, m);
            sample("connections", connections[m], m);
        }
        sample("max_connections", 100, 5); // closes the last instant
        List<AlertEvent> events = fx.events();
        assertEquals("FIRED@1m/WARNING SEVERITY_CHANGED@2m/CRITICAL SEVERITY_CHANGED@3m/WARNING RESOLVED@4m/WARNING",
                times(events));
        assertEquals("connections-near-max:" + PG + ":connections", events.get(0).getAlertKey(),
                "a filtering comparison keeps the left side's metric name");
        assertEquals(85.0, events.get(0).getValue());
        assertEquals("connections", events.get(0).getLabels().get("metric_name"));
    }

    @Test
    void aRestartIsTimeMinusTheStartTimeBelowAThreshold() {
        fx.rule(exprLevels("restarted", level(Severity.INFO, "time() - start_time_seconds < 300")).build());
        long before = T0.minus(Duration.ofDays(3)).getEpochSecond();
        for (int m = 0; m <= 12; m++) {
            double start = m < 5 ? before : min(5).getEpochSecond() - 30;
            sample("start_time_seconds", start, m);
        }
        // Restarted 30 s before the 5m collection: 30 s up at 5m, 300 s up at 9m30s, so the 10m instant is the first
        // with 'time() - start' at or above 300.
        assertEquals("FIRED@5m/INFO RESOLVED@10m/INFO", times(fx.events()));
    }

    @Test
    void eachResultSeriesIsItsOwnAlertWithItsLabelsInTheKeyAndTheTemplates() {
        fx.rule(exprLevels("dead-tuples",
                        level(Severity.WARNING, "n_dead_tup / (n_live_tup + n_dead_tup) > 0.2"))
                .setSummary("{{ $labels.table }} on {{instance_id}}: {{ $value }} of its tuples are dead").build());
        for (int m = 0; m <= 3; m++) {
            sample("n_live_tup", 1000, m, "orders");
            sample("n_dead_tup", m >= 1 && m <= 2 ? 500 : 10, m, "orders");
            sample("n_live_tup", 1000, m, "users");
            sample("n_dead_tup", m >= 1 ? 1000 : 10, m, "users");
        }
        List<AlertEvent> events = fx.events();
        String orders = "dead-tuples:" + PG + ":__expr__{table=orders}";
        String users = "dead-tuples:" + PG + ":__expr__{table=users}";
        Map<String, String> byKey = events.stream().collect(Collectors.groupingBy(AlertEvent::getAlertKey,
                Collectors.mapping(e -> e.getTransition() + "@" + Duration.between(T0, e.getUpdatedAt()).toMinutes() + "m",
                        Collectors.joining(" "))));
        assertEquals(Map.of(orders, "FIRED@1m RESOLVED@3m", users, "FIRED@1m"), byKey);
        AlertEvent usersFired = events.stream().filter(e -> e.getAlertKey().equals(users)).findFirst().orElseThrow();
        assertEquals("users on " + PG + ": 0.5 of its tuples are dead", usersFired.getSummary());
        assertEquals("users", usersFired.getLabels().get("table"));
        assertEquals("prod", usersFired.getLabels().get("environment"));

        // The users table is dropped: its series leaves the result once its last sample is older than the
        // 5-minute lookback (a sample exactly 5 minutes old still counts, as in Prometheus 2.42).
        for (int m = 4; m <= 10; m++) {
            sample("n_live_tup", 1000, m, "orders");
            sample("n_dead_tup", 10, m, "orders");
        }
        List<AlertEvent> later = fx.events();
        assertEquals("RESOLVED@9m", later.stream().filter(e -> e.getAlertKey().equals(users))
                .map(e -> e.getTransition() + "@" + Duration.between(T0, e.getUpdatedAt()).toMinutes() + "m")
                .collect(Collectors.joining(" ")));
    }

    @Test
    void aCounterResetIsNotADropInIncreaseButAStalledCounterIs() {
        fx.rule(expr("stalled", "increase(transactions_total[5m])", List.of(below(Severity.HIGH, 20))).build());
        double value = 0;
        for (int m = 0; m <= 15; m++) {
            value = m == 8 ? 5 : value + 100; // the server restarted at 8m: the counter starts again from 5
            sample("transactions_total", value, m);
        }
        assertEquals("", times(fx.events()), "a reset adds the value before it, as Prometheus' increase()");
        for (int m = 16; m <= 22; m++) {
            sample("transactions_total", value, m); // stalled
        }
        List<AlertEvent> events = fx.events();
        assertEquals(1, events.size(), times(events));
        assertEquals(Transition.FIRED, events.get(0).getTransition());
        assertEquals(AlertState.FIRING, fx.state("stalled:" + PG + ":__expr__").getState());
    }

    @Test
    void keepFiringForHoldsTheAlertAfterTheSeriesLeavesTheResult() {
        fx.rule(exprLevels("lag", level(Severity.HIGH, "replication_lag_seconds > 30"))
                .setKeepFiringForMs(Duration.ofMinutes(2).toMillis()).build());
        double[] lag = {0, 40, 10, 10, 10, 10};
        for (int m = 0; m < lag.length; m++) {
            sample("replication_lag_seconds", lag[m], m);
        }
        assertEquals("FIRED@1m/HIGH RESOLVED@4m/HIGH", times(fx.events()));
    }

    @Test
    void anOverrideDisablesTheRuleForOneResultSeries() {
        fx.rule(exprLevels("dead-tuples", level(Severity.WARNING, "n_dead_tup > 100"))
                .setOverrides(List.of(new RuleOverride(List.of(eq("table", "audit")), OverrideMode.DISABLED, List.of())))
                .build());
        for (int m = 0; m <= 2; m++) {
            sample("n_dead_tup", 500, m, "orders");
            sample("n_dead_tup", 500, m, "audit");
        }
        List<AlertEvent> events = fx.events();
        assertEquals(1, events.size(), times(events));
        assertEquals("dead-tuples:" + PG + ":n_dead_tup{table=orders}", events.get(0).getAlertKey());
    }

    @Test
    void instanceMatchersScopeTheRuleAndOtherInstancesKeepNoState() {
        fx.rule(exprLevels("lag", level(Severity.HIGH, "replication_lag_seconds > 30"))
                .setSelector(new com.gds.alerting.avro.Selector("", List.of(eq("instance_id", PG)))).build());
        for (int m = 0; m <= 2; m++) {
            sample("replication_lag_seconds", 40, m);
            fx.sample("pg-prod-02", "replication_lag_seconds", 40, min(m), PROD);
        }
        List<AlertEvent> events = fx.events();
        assertEquals(List.of("lag:" + PG + ":replication_lag_seconds"),
                events.stream().map(AlertEvent::getAlertKey).distinct().toList());
        KeyValueStore<String, byte[]> store = fx.store(AlertingTopology.Names.EXPR_SERIES_STORE);
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                String key = it.next().key;
                assertTrue(key.contains(PG) && !key.contains("pg-prod-02"), key.replace('\0', '|'));
            }
        }
    }

    @Test
    void theStateKeepsOnlyTheWindowTheSelectorsNeed() {
        fx.rule(expr("rate", "rate(xact_commit[2m])", List.of(above(Severity.INFO, 1e9))).build());
        for (int m = 0; m <= 30; m++) {
            sample("xact_commit", m, m);
            sample("unrelated_metric", m, m);
        }
        KeyValueStore<String, byte[]> store = fx.store(AlertingTopology.Names.EXPR_SERIES_STORE);
        byte[] commits = store.get("s" + PG + "\0xact_commit\0database_type=postgresql\0environment=prod");
        // format byte, count, then 16 bytes a sample: [28m, 30m] holds three samples of a minute apart.
        assertEquals(1 + 4 + 3 * 16, commits.length);
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                assertTrue(!it.next().key.contains("unrelated_metric"), "a metric no EXPR rule reads is not kept");
            }
        }
        assertTrue(fx.alerting().counters().get(Counter.EXPR_EVALUATIONS) >= 29);
    }

    @Test
    void anEvaluationPrometheusRefusesTooIsCountedAndChangesNothing() {
        // Two series on each side with the same labels but the metric name: many-to-many matching on 'or'-less
        // arithmetic is refused by Prometheus' engine as well.
        fx.rule(exprLevels("bad-match", level(Severity.INFO, "n_live_tup / on() n_dead_tup > 0")).build());
        for (int m = 0; m <= 2; m++) {
            sample("n_live_tup", 1, m, "a");
            sample("n_live_tup", 1, m, "b");
            sample("n_dead_tup", 1, m, "a");
            sample("n_dead_tup", 1, m, "b");
        }
        assertEquals(List.of(), fx.events());
        assertTrue(fx.alerting().counters().get(Counter.EXPR_EVALUATION_FAILURES) >= 2);
    }

    @Test
    void aDeletedExprRuleResolvesItsAlerts() {
        fx.rule(exprLevels("lag", level(Severity.HIGH, "replication_lag_seconds > 30")).build());
        for (int m = 0; m <= 2; m++) {
            sample("replication_lag_seconds", 40, m);
        }
        assertEquals(Transition.FIRED, fx.events().get(0).getTransition());
        fx.deleteRule("lag");
        fx.advanceWallClock(Duration.ofSeconds(2));
        List<AlertEvent> events = fx.events();
        assertEquals(1, events.size());
        assertEquals("RULE_DELETED", events.get(0).getReason());
    }

    @Test
    void aChangedExpressionTakesEffectAtTheNextInstantAndKeepsOpenAlertsItStillSelects() {
        fx.rule(exprLevels("lag", level(Severity.HIGH, "replication_lag_seconds > 30")).build());
        for (int m = 0; m <= 2; m++) {
            sample("replication_lag_seconds", 40, m);
        }
        assertEquals(1, fx.events().size());
        fx.rule(exprLevels("lag", level(Severity.HIGH, "replication_lag_seconds > 50")).build());
        fx.advanceWallClock(Duration.ofSeconds(2));
        assertEquals(List.of(), fx.events(), "the rule still applies to the instance: nothing resolves on the change");
        sample("replication_lag_seconds", 40, 3);
        assertEquals("RESOLVED@3m/HIGH", times(fx.events()));
    }

    @Test
    void anExpressionThatDoesNotParseIsDeadLetteredWithWhereAndWhat() {
        fx.rule(exprLevels("typo", level(Severity.HIGH, "rate(xact_commit[5m] > 1")).build());
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters(fx.topics().dlqRules());
        assertEquals(1, dead.size());
        assertEquals("INVALID_RULE", header(dead.get(0), DeadLetter.REASON));
        String error = header(dead.get(0), DeadLetter.ERROR);
        assertTrue(error.contains("expr.levels[0].expression: 1:"), error);
        assertTrue(error.contains("argument 1 of rate() must be a range vector") || error.contains("expected"), error);
        assertNull(fx.alerting().ruleBook().rule("typo"));
    }

    @Test
    void perSeverityLevelsCarryTheLiteralThresholdOfTheirComparison() {
        fx.rule(exprLevels("lag", new ExprLevel(Severity.HIGH, "replication_lag_seconds > 30",
                "replication_lag_seconds > 20")).build());
        double[] lag = {0, 40, 25, 15};
        for (int m = 0; m < lag.length; m++) {
            sample("replication_lag_seconds", lag[m], m);
        }
        sample("replication_lag_seconds", 15, lag.length);
        List<AlertEvent> events = fx.events();
        assertEquals("FIRED@1m/HIGH RESOLVED@3m/HIGH", times(events), "25 holds the alert through the recovery expression");
        assertEquals(30.0, events.get(0).getThreshold());
    }
}
