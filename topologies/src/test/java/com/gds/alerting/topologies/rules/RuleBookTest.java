package com.gds.alerting.topologies.rules;

import static com.gds.alerting.topologies.TestRules.above;
import static com.gds.alerting.topologies.TestRules.eq;
import static com.gds.alerting.topologies.TestRules.threshold;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Severity;

class RuleBookTest {

    private static CompiledRule rule(String id, String metric, String instance) {
        return CompiledRule.compile(instance == null
                ? threshold(id, metric, List.of(above(Severity.WARNING, 1))).build()
                : threshold(id, metric, List.of(above(Severity.WARNING, 1)), eq("instance_id", instance)).build());
    }

    @Test
    void candidatesAreTheFleetWideRulesOfTheMetricAndThosePinnedToTheInstance() {
        RuleBook book = new RuleBook();
        for (int i = 0; i < 10_000; i++) {
            book.put(rule("pinned-" + i, "metric_" + (i % 10), "pg-" + i));
        }
        book.put(rule("fleet", "metric_3", null));
        assertEquals(List.of("fleet"), book.fleetWide("metric_3").stream().map(CompiledRule::ruleId).toList());
        assertEquals(List.of("pinned-13"), book.pinned("metric_3", "pg-13").stream().map(CompiledRule::ruleId).toList());
        assertTrue(book.pinned("metric_4", "pg-13").isEmpty());
        assertTrue(book.fleetWide("unknown").isEmpty());
    }

    @Test
    void replacingARuleMovesItInTheIndexAndDisabledRulesAreNotCandidates() {
        RuleBook book = new RuleBook();
        book.put(rule("r", "a", "pg-1"));
        book.put(rule("r", "b", null));
        assertTrue(book.pinned("a", "pg-1").isEmpty());
        assertEquals(1, book.fleetWide("b").size());
        CompiledRule disabled = CompiledRule.compile(threshold("r", "b", List.of(above(Severity.WARNING, 1))).setEnabled(false).build());
        book.put(disabled);
        assertTrue(book.fleetWide("b").isEmpty());
        assertEquals(disabled, book.rule("r"), "kept for queries");
    }

    @Test
    void changesAreNumberedSoTasksCanCatchUp() {
        RuleBook book = new RuleBook();
        book.put(rule("a", "m", null));
        long seen = book.version();
        book.put(rule("b", "m", null));
        book.remove("a");
        book.remove("never-existed");
        assertEquals(Optional.of(Set.of("a", "b")), book.changedSince(seen));
        assertEquals(Optional.empty(), book.changedSince(-1), "a task that never looked checks everything");
        assertEquals(Optional.of(Set.of()), book.changedSince(book.version()));
    }
}
