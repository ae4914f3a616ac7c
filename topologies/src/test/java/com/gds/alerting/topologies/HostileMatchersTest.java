package com.gds.alerting.topologies;

import static com.gds.alerting.topologies.AlertingFixture.T0;
import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.re;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.Silence;
import com.gds.alerting.topologies.rules.RuleValidator;
import com.gds.alerting.topologies.silences.SilenceValidator;

/**
 * Issue 24, items 5, 6 and 9: hostile expressions and silences. Matchers run on the stream thread
 * for every sample, so a regex that backtracks exponentially once stopped evaluation for the whole
 * fleet; now every user-supplied regex is RE2 (linear time). The timeouts below only catch a hang
 * (a backtracking engine takes years on these inputs); they measure nothing.
 */
class HostileMatchersTest {

    private static final String LONG_VALUE = "a".repeat(1000);

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void catastrophicPatternsInRulesAndSilencesEvaluateInLinearTime() {
        try (AlertingFixture fx = new AlertingFixture()) {
            fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90)),
                    re("note", "(a+)+$")).build());
            fx.silence(silence("s1", new Matcher("note", MatchOp.RE, ".*.*.*.*.*.*.*.*.*.*.*.*!")));
            for (int i = 0; i < 20; i++) {
                fx.sample("pg-" + i, "connections_used_ratio", 95, T0,
                        Map.of("environment", "prod", "note", LONG_VALUE + "!"));
            }
            fx.sample("pg-prod-01", "connections_used_ratio", 95, T0, Map.of("environment", "prod", "note", LONG_VALUE));
            List<AlertEvent> events = fx.events();
            assertEquals(1, events.size(), "only the series whose note is all a's matches (a+)+$");
            assertNull(events.get(0).getSuppressedBy(), "the silence needs a '!' at the end, which this note lacks");
        }
    }

    @Test
    void aRuleRegexOutsideRe2IsRefusedSayingSo() {
        List<String> problems = RuleValidator.validate(threshold("conn", "connections_used_ratio",
                List.of(above(Severity.CRITICAL, 90)), re("instance_id", "(db)\\1")).build());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("match[0].value: bad regular expression '(db)\\1' (RE2 syntax)")
                || problems.get(0).contains("RE2 syntax"), problems.get(0));
    }

    static Stream<Arguments> refusedSilences() {
        return Stream.of(
                Arguments.of("every matcher matches the empty string: it would silence the fleet", "matchers: every matcher",
                        silence("s", new Matcher("a", MatchOp.RE, ""))),
                Arguments.of("=~ .* and != x both match a missing label", "matchers: every matcher",
                        silence("s", new Matcher("a", MatchOp.RE, ".*"), new Matcher("b", MatchOp.NEQ, "x"))),
                Arguments.of("a matcher without a value", "matchers[0].value: required",
                        silence("s", new Matcher("a", MatchOp.RE, null))),
                Arguments.of("a backtracking-only regex", "matchers[0].value: bad regular expression",
                        silence("s", new Matcher("a", MatchOp.RE, "(?=x)x"))),
                Arguments.of("too many matchers", "matchers: 33 matchers",
                        silence("s", matchers(SilenceValidator.MAX_MATCHERS + 1))),
                Arguments.of("a value over its limit", "matchers[0].value: 1025 characters",
                        silence("s", new Matcher("a", MatchOp.EQ, "x".repeat(1025)))),
                Arguments.of("ends_at in year 1,000,000,000 would overflow time arithmetic", "ends_at: ",
                        Silence.newBuilder(silence("s", new Matcher("a", MatchOp.EQ, "x")))
                                .setEndsAt(Instant.parse("+1000000000-12-31T23:59:59Z")).build()),
                Arguments.of("a far-past starts_at", "starts_at: ",
                        Silence.newBuilder(silence("s", new Matcher("a", MatchOp.EQ, "x")))
                                .setStartsAt(Instant.parse("-1000000000-01-01T00:00:00Z")).build()),
                Arguments.of("a 2 MB comment", "comment: 2097152 characters",
                        Silence.newBuilder(silence("s", new Matcher("a", MatchOp.EQ, "x")))
                                .setComment("c".repeat(2 << 20)).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedSilences")
    void aSilenceOutsideTheLimitsIsRefusedNamingTheField(String why, String problem, Silence silence) {
        List<String> problems = SilenceValidator.validate(silence);
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(problem)), why + ": " + problems);
    }

    @Test
    void aSilenceWithOneMatcherThatSelectsSomethingIsAccepted() {
        assertEquals(List.of(), SilenceValidator.validate(silence("s", new Matcher("a", MatchOp.RE, ".*"),
                new Matcher("instance_id", MatchOp.EQ, "pg-prod-01"))));
        assertEquals(List.of(), SilenceValidator.validate(silence("s", new Matcher("env", MatchOp.NEQ, ""))),
                "!= \"\" does not match a missing label");
    }

    @Test
    void aSilenceRecordTheApiWouldRefuseIsIgnoredByTheTopology() {
        try (AlertingFixture fx = new AlertingFixture()) {
            fx.rule(threshold("conn", "connections_used_ratio", List.of(above(Severity.CRITICAL, 90))).build());
            fx.silence(silence("everything", new Matcher("nope", MatchOp.RE, ".*")));
            fx.sample("pg-prod-01", "connections_used_ratio", 95, T0);
            assertNull(fx.events().get(0).getSuppressedBy(), "a silence matching every alert is not in force");
        }
    }

    private static Matcher[] matchers(int n) {
        Matcher[] all = new Matcher[n];
        Arrays.setAll(all, i -> new Matcher("l" + i, MatchOp.EQ, "v"));
        return all;
    }

    private static Silence silence(String id, Matcher... matchers) {
        return Silence.newBuilder().setSilenceId(id).setMatchers(Arrays.asList(matchers)).setStartsAt(T0)
                .setEndsAt(T0.plus(Duration.ofHours(1))).setCreatedBy("alice").setComment("drill").setCreatedAt(T0).build();
    }
}
