package com.gds.alerting.topologies.rules;

import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.absence;
import static com.gds.alerting.topologies.TestRules.threshold;
import static com.gds.alerting.topologies.TestRules.thresholdSlo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Severity;

/** What {@code by} accepts, and the alert keys it gives. */
class SeriesByTest {

    private static Rule.Builder lag() {
        return threshold("lag", "replication_lag_seconds", List.of(above(Severity.HIGH, 30)));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("not a tag name", List.of("data-base"), "by[0]: 'data-base' is not a tag name"),
                Arguments.of("empty", List.of(""), "by[0]: '' is not a tag name"),
                Arguments.of("already in the key", List.of("database", "instance_id"), "by[1]: 'instance_id' is already part"),
                Arguments.of("twice", List.of("member", "member"), "by[1]: 'member' is listed twice"),
                Arguments.of("too many", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"), "by: 11 tags; at most 10"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesByThatCannotNameASeries(String why, List<String> by, String expected) {
        List<String> problems = RuleValidator.validate(lag().setBy(by).build());
        assertEquals(1, problems.stream().filter(p -> p.startsWith(expected)).count(), why + ": " + problems);
    }

    @Test
    void refusesByOnAnSloRuleAndSaysWhatToDoInstead() {
        Rule slo = thresholdSlo("avail", "up", Comparison.EQ, 1, 0.999, Duration.ofDays(30)).setBy(List.of("database")).build();
        List<String> problems = RuleValidator.validate(slo);
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(true, problems.get(0).startsWith("by: an SLO rule keeps one error budget per instance"), problems.get(0));
    }

    @Test
    void acceptsByOnThresholdWindowAndAbsenceRules() {
        assertEquals(List.of(), RuleValidator.validate(lag().setBy(List.of("member", "database")).build()));
        assertEquals(List.of(), RuleValidator.validate(absence("gone", "xid_wraparound_age", Duration.ofMinutes(5), Severity.HIGH,
                null).setBy(List.of("database")).build()));
    }

    @Test
    void theKeyListsTheTagsSortedSoTheOrderWrittenDoesNotMatter() {
        Series series = new Series("replication_lag_seconds", "mssql-01", "mssql", "prod",
                Map.of("member", "node-2", "database", "orders", "environment", "prod"));
        CompiledRule a = CompiledRule.compile(lag().setBy(List.of("member", "database")).build());
        CompiledRule b = CompiledRule.compile(lag().setBy(List.of("database", "member")).build());
        assertEquals("lag:mssql-01:replication_lag_seconds{database=orders,member=node-2}", SeriesBy.alertKey(a, series));
        assertEquals(SeriesBy.alertKey(a, series), SeriesBy.alertKey(b, series));
        assertEquals("lag:mssql-01:replication_lag_seconds", SeriesBy.alertKey(CompiledRule.compile(lag().build()), series));
    }
}
