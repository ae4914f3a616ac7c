package com.gds.alerting.rulescli.publish;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.apache.avro.Schema;

import com.gds.alerting.avro.Rule;

/**
 * What publishing a set of rules would change on the topic: rules added, rules changed (with the
 * fields that differ), rules removed. {@code source} (file and line) is not compared: moving a
 * rule within a file is not a change worth a new record.
 *
 * @param added     rules not on the topic
 * @param changed   rules on the topic with different content
 * @param removed   ids on the topic that no file defines
 * @param unchanged how many rules are identical
 */
public record RuleDiff(List<Rule> added, List<Change> changed, List<String> removed, int unchanged) {

    private static final String IGNORED = "source";

    /** A rule that differs, with each differing field as (old, new). */
    public record Change(Rule rule, Map<String, Object[]> fields) {
    }

    /** The diff from {@code current} (the topic, by id) to {@code desired} (the files). */
    public static RuleDiff between(Map<String, Rule> current, List<Rule> desired) {
        List<Rule> added = new ArrayList<>();
        List<Change> changed = new ArrayList<>();
        Map<String, Rule> remaining = new TreeMap<>(current);
        int unchanged = 0;
        for (Rule rule : desired) {
            Rule old = remaining.remove(rule.getRuleId());
            if (old == null) {
                added.add(rule);
                continue;
            }
            Map<String, Object[]> fields = fieldChanges(old, rule);
            if (fields.isEmpty()) {
                unchanged++;
            } else {
                changed.add(new Change(rule, fields));
            }
        }
        return new RuleDiff(added, changed, List.copyOf(remaining.keySet()), unchanged);
    }

    static Map<String, Object[]> fieldChanges(Rule old, Rule now) {
        Map<String, Object[]> out = new LinkedHashMap<>();
        for (Schema.Field f : Rule.getClassSchema().getFields()) {
            if (f.name().equals(IGNORED)) {
                continue;
            }
            Object a = old.get(f.pos());
            Object b = now.get(f.pos());
            if (!Objects.equals(a, b)) {
                out.put(f.name(), new Object[] {a, b});
            }
        }
        return out;
    }

    public boolean isEmpty() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }
}
