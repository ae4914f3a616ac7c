package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.AlertingFixture.header;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.eq;
import static com.gds.alerting.topologies.TestRules.neq;
import static com.gds.alerting.topologies.TestRules.nre;
import static com.gds.alerting.topologies.TestRules.re;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Transition;
import com.gds.alerting.topologies.intake.DeadLetter;

/** The rule table (updates, deletes, invalid rules), selectors, and poison records. */
class RuleTableAndDeadLettersTest {

    private AlertingFixture fx;

    @BeforeEach
    void start() {
        fx = new AlertingFixture();
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private List<Transition> transitions() {
        return fx.events().stream().map(AlertEvent::getTransition).toList();
    }

    private static Rule conn(double threshold) {
        return threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, threshold))).build();
    }

    @Test
    void anInvalidRuleUpdateIsDeadLetteredAndThePreviousVersionStaysInForce() {
        fx.rule(conn(90));
        Rule broken = threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90, 95)))
                .setSelector(new com.gds.alerting.avro.Selector("connections_used_ratio", List.of(re("instance_id", "pg-(prod"))))
                .build();
        fx.rule(broken);

        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters(fx.topics().dlqRules());
        assertEquals(1, dead.size());
        assertEquals("conn", new String(dead.get(0).key(), StandardCharsets.UTF_8));
        assertEquals("INVALID_RULE", header(dead.get(0), DeadLetter.REASON));
        String error = header(dead.get(0), DeadLetter.ERROR);
        assertTrue(error.contains("conditions[0].recovery_threshold") && error.contains("selector.matchers[0].value"),
                "every problem is named: " + error);
        assertEquals(fx.topics().rules(), header(dead.get(0), DeadLetter.SOURCE_TOPIC));

        fx.sample("pg-prod-01", "connections_used_ratio", 91, T0);
        assertEquals(List.of(Transition.FIRED), transitions(), "the version with threshold 90 still evaluates");
        assertEquals(90.0, fx.alerting().ruleBook().rule("conn").source().getConditions().get(0).getThreshold());
    }

    @Test
    void aRuleUpdateTakesEffectFromTheNextSample() {
        fx.rule(conn(90));
        fx.sample("pg-prod-01", "connections_used_ratio", 91, T0);
        assertEquals(List.of(Transition.FIRED), transitions());
        fx.rule(conn(95));
        fx.sample("pg-prod-01", "connections_used_ratio", 91, T0.plusSeconds(10));
        assertEquals(List.of(Transition.RESOLVED), transitions(), "91 no longer breaches the new threshold 95");
    }

    @Test
    void deletingARuleResolvesItsOpenAlertsAtTheNextTick() {
        fx.rule(conn(90));
        fx.rule(threshold("other", "connections_used_ratio", List.of(above(Severity.WARNING, 50))).build());
        fx.sample("pg-prod-01", "connections_used_ratio", 91, T0);
        fx.sample("pg-prod-02", "connections_used_ratio", 91, T0);
        assertEquals(4, fx.events().size());

        fx.deleteRule("conn");
        fx.advanceWallClock(Duration.ofSeconds(1));
        List<AlertEvent> events = fx.events();
        assertEquals(2, events.size(), "both open alerts of 'conn', none of 'other'");
        for (AlertEvent e : events) {
            assertEquals(Transition.RESOLVED, e.getTransition());
            assertEquals("conn", e.getRuleId());
            assertEquals("RULE_DELETED", e.getReason());
            assertNull(e.getResolvedBy());
        }
        fx.sample("pg-prod-01", "connections_used_ratio", 99, T0.plusSeconds(10));
        assertTrue(fx.events().isEmpty(), "'conn' no longer evaluates: no new incident");
        assertEquals(99.0, fx.state("other:pg-prod-01:connections_used_ratio").getValue(), "'other' still does");
    }

    @Test
    void disablingARuleOrNarrowingItsSelectorResolvesWhatItNoLongerWatches() {
        fx.rule(conn(90));
        fx.sample("pg-prod-01", "connections_used_ratio", 91, T0);
        fx.sample("pg-prod-02", "connections_used_ratio", 91, T0);
        fx.events();
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90)), eq("instance_id", "pg-prod-01")).build());
        fx.advanceWallClock(Duration.ofSeconds(1));
        List<AlertEvent> narrowed = fx.events();
        assertEquals(1, narrowed.size());
        assertEquals("pg-prod-02", narrowed.get(0).getInstanceId());
        assertEquals("NO_LONGER_SELECTED", narrowed.get(0).getReason());

        Rule disabled = conn(90);
        disabled.setEnabled(false);
        fx.rule(disabled);
        fx.advanceWallClock(Duration.ofSeconds(1));
        List<AlertEvent> off = fx.events();
        assertEquals(1, off.size());
        assertEquals("RULE_DISABLED", off.get(0).getReason());
    }

    static Stream<Arguments> selectorCases() {
        Map<String, String> prodEu = Map.of("environment", "prod", "region", "eu-west-1");
        return Stream.of(
                Arguments.of("= on a tag", eq("region", "eu-west-1"), prodEu, true),
                Arguments.of("= on a tag with another value", eq("region", "us-east-1"), prodEu, false),
                Arguments.of("!= on environment", neq("environment", "staging"), prodEu, true),
                Arguments.of("=~ is anchored: 'eu' alone does not match eu-west-1", re("region", "eu"), prodEu, false),
                Arguments.of("=~ with a full pattern", re("region", "eu-.*"), prodEu, true),
                Arguments.of("!~ excludes", nre("instance_id", "pg-prod-0[1-5]"), prodEu, false),
                Arguments.of("= on database_type", eq("database_type", "postgresql"), prodEu, true),
                Arguments.of("a missing label matches the empty string", eq("cluster", ""), prodEu, true),
                Arguments.of("a missing label does not match a value", eq("cluster", "main"), prodEu, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selectorCases")
    void selectorMatchersWorkAsInPrometheus(String why, Matcher matcher, Map<String, String> tags, boolean fires) {
        fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90)), matcher).build());
        fx.sample("pg-prod-01", "connections_used_ratio", 95, T0, tags);
        assertEquals(fires ? List.of(Transition.FIRED) : List.of(), transitions(), why);
    }

    @Test
    void corruptMetricBytesAreDeadLetteredAndTheNextRecordIsProcessed() {
        fx.rule(conn(90));
        byte[] garbage = {0, 0, 0, 0, 42, 1, 2, 3};
        fx.raw(AlertingFixture.METRICS_TOPIC, "pg-prod-01", garbage);
        fx.raw(AlertingFixture.METRICS_TOPIC, "pg-prod-01", "not avro at all".getBytes(StandardCharsets.UTF_8));
        fx.sample("pg-prod-01", "connections_used_ratio", 95, T0);

        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters(fx.topics().dlqMetrics());
        assertEquals(2, dead.size());
        assertArrayEquals(garbage, dead.get(0).value(), "the original bytes, untouched");
        assertEquals("UNKNOWN_SCHEMA_ID", header(dead.get(0), DeadLetter.REASON));
        assertEquals("WRONG_MAGIC_BYTE", header(dead.get(1), DeadLetter.REASON));
        assertEquals(AlertingFixture.METRICS_TOPIC, header(dead.get(1), DeadLetter.SOURCE_TOPIC));
        assertEquals("0", header(dead.get(1), DeadLetter.SOURCE_PARTITION));
        assertEquals("1", header(dead.get(1), DeadLetter.SOURCE_OFFSET));
        assertEquals(List.of(Transition.FIRED), transitions());
        assertEquals(2, fx.alerting().counters().get(AlertingCounters.Counter.METRICS_DEAD_LETTERED));
    }

    @Test
    void aMetricKeyedByAnotherInstanceIsDeadLettered() {
        fx.rule(conn(90));
        com.gds.alerting.avro.Metric metric = com.gds.alerting.avro.Metric.newBuilder()
                .setTimestamp(T0).setDatabaseType("postgresql").setInstanceId("pg-prod-01")
                .setMetricName("connections_used_ratio").setValue(95)
                .setMetadata(new com.gds.alerting.avro.MetricMetadata(1L, "t", "c")).build();
        fx.raw(AlertingFixture.METRICS_TOPIC, "pg-prod-02", fx.encode(AlertingFixture.METRICS_TOPIC, metric));
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters(fx.topics().dlqMetrics());
        assertEquals(1, dead.size());
        assertEquals("KEY_MISMATCH", header(dead.get(0), DeadLetter.REASON));
        assertTrue(transitions().isEmpty());
    }

    @Test
    void aMetricFromTheFutureIsDeadLetteredSoItCannotMakeTrueSamplesLate() {
        fx.rule(conn(90));
        fx.sample("pg-prod-01", "connections_used_ratio", 95, T0.plus(Duration.ofHours(3)));
        fx.sample("pg-prod-01", "connections_used_ratio", 95, T0.plus(Duration.ofMinutes(4)));
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters(fx.topics().dlqMetrics());
        assertEquals(1, dead.size());
        assertEquals("FUTURE_TIMESTAMP", header(dead.get(0), DeadLetter.REASON));
        assertTrue(header(dead.get(0), DeadLetter.ERROR).contains("10800 s ahead"), header(dead.get(0), DeadLetter.ERROR));
        assertEquals(List.of(Transition.FIRED), transitions(), "a sample within the allowed skew is evaluated");
    }

    @Test
    void corruptRulesAndCommandsAreDeadLetteredToo() {
        fx.raw(fx.topics().rules(), "conn", new byte[] {1, 2});
        fx.raw(fx.topics().rules(), null, new byte[] {0, 0, 0, 0, 1});
        fx.raw(fx.topics().commands(), "a:b:c", new byte[] {0});
        List<TestRecord<byte[], byte[]>> rules = fx.deadLetters(fx.topics().dlqRules());
        assertEquals(List.of("TOO_SHORT", "MISSING_KEY"), rules.stream().map(r -> header(r, DeadLetter.REASON)).toList());
        List<TestRecord<byte[], byte[]>> commands = fx.deadLetters(fx.topics().dlqCommands());
        assertEquals(List.of("TOO_SHORT"), commands.stream().map(r -> header(r, DeadLetter.REASON)).toList());
        assertEquals(0, fx.alerting().ruleBook().size());
    }
}
