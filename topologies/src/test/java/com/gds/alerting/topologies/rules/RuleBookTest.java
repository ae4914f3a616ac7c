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

    /** Every candidate list of {@code book} over the given metrics and instances, by metric and instance, in order. */
    private static String index(RuleBook book, List<String> metrics, List<String> instances) {
        StringBuilder out = new StringBuilder();
        for (String metric : metrics) {
            out.append(metric).append(" fleet=").append(book.fleetWide(metric).stream().map(CompiledRule::ruleId).toList());
            for (String instance : instances) {
                List<CompiledRule> pinned = book.pinned(metric, instance);
                if (!pinned.isEmpty()) {
                    out.append(' ').append(instance).append('=').append(pinned.stream().map(CompiledRule::ruleId).toList());
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    @Test
    void replaceAllGivesTheIndexOrderAndHistoryOfRemovingThenPuttingOneByOne() {
        List<String> metrics = List.of("a", "b", "c");
        List<String> instances = List.of("pg-1", "pg-2", "pg-3");
        List<CompiledRule> before = List.of(rule("f1", "a", null), rule("f2", "a", null), rule("p1", "a", "pg-1"),
                rule("p2", "a", "pg-1"), rule("p3", "b", "pg-2"), rule("f3", "b", null), rule("gone", "c", "pg-3"),
                rule("gone-fleet", "a", null));
        CompiledRule f1Moved = rule("f1", "b", null);
        CompiledRule p1Disabled = CompiledRule.compile(threshold("p1", "a", List.of(above(Severity.WARNING, 1)), eq("instance_id", "pg-1"))
                .setEnabled(false).build());
        // Kept as they are (the same objects), moved, disabled, new, a repeated id, and one moved away and back.
        List<CompiledRule> after = List.of(before.get(1), f1Moved, p1Disabled, before.get(3), before.get(4), before.get(5),
                rule("f3", "c", null), before.get(5),
                rule("new-pinned", "a", "pg-1"), rule("new-fleet", "a", null), rule("twice", "c", null), rule("twice", "c", "pg-3"));

        RuleBook bulk = new RuleBook();
        RuleBook oneByOne = new RuleBook();
        for (CompiledRule r : before) {
            bulk.put(r);
            oneByOne.put(r);
        }
        long seen = bulk.version();
        bulk.replaceAll(after);
        // What replaceAll promises to equal: remove what is gone, then put what is not already in force, in order.
        oneByOne.remove("gone");
        oneByOne.remove("gone-fleet");
        for (CompiledRule r : after) {
            if (oneByOne.rule(r.ruleId()) != r) {
                oneByOne.put(r);
            }
        }
        assertEquals(index(oneByOne, metrics, instances), index(bulk, metrics, instances));
        assertEquals("a fleet=[f2, new-fleet] pg-1=[p2, new-pinned]\nb fleet=[f1, f3] pg-2=[p3]\nc fleet=[] pg-3=[twice]\n",
                index(bulk, metrics, instances));
        assertEquals(oneByOne.version(), bulk.version(), "one change per rule removed, replaced or added");
        assertEquals(Optional.of(Set.of("gone", "gone-fleet", "f1", "p1", "f3", "new-pinned", "new-fleet", "twice")), bulk.changedSince(seen));
        assertEquals(p1Disabled, bulk.rule("p1"), "a disabled rule is kept for queries");
        assertEquals(9, bulk.size());
        assertTrue(bulk.rule("gone") == null && bulk.fleetWide("c").isEmpty());
    }

    @Test
    void replaceAllWithTheRulesInForceChangesNothing() {
        RuleBook book = new RuleBook();
        List<CompiledRule> rules = List.of(rule("f", "m", null), rule("p", "m", "pg-1"));
        book.replaceAll(rules);
        long version = book.version();
        book.replaceAll(rules);
        assertEquals(version, book.version());
        assertEquals(List.of(rules.get(0)), book.fleetWide("m"));
        assertEquals(List.of(rules.get(1)), book.pinned("m", "pg-1"));
        book.replaceAll(List.of());
        assertTrue(book.fleetWide("m").isEmpty() && book.pinned("m", "pg-1").isEmpty() && book.size() == 0);
    }

    @Test
    void aHundredThousandRulesPinnedToOneMetricLoadWithEachFoundAtItsInstance() {
        // The shape that made loading quadratic: every rule on one metric, each pinned to its own instance.
        List<CompiledRule> rules = new java.util.ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            rules.add(rule("pinned-" + i, "m", "pg-" + i));
        }
        RuleBook bulk = new RuleBook();
        bulk.replaceAll(rules);
        RuleBook oneByOne = new RuleBook();
        rules.forEach(oneByOne::put);
        for (RuleBook book : List.of(bulk, oneByOne)) {
            assertEquals(100_000, book.size());
            for (int i = 0; i < rules.size(); i += 997) {
                assertEquals(List.of(rules.get(i)), book.pinned("m", "pg-" + i));
            }
            assertTrue(book.fleetWide("m").isEmpty());
        }
        assertEquals(oneByOne.version(), bulk.version());
        oneByOne.remove("pinned-5");
        assertTrue(oneByOne.pinned("m", "pg-5").isEmpty());
        assertEquals(List.of(rules.get(6)), oneByOne.pinned("m", "pg-6"));
    }
}
