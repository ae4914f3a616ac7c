package com.gds.alerting.topologies.rules;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.contract.AlertKeys;

/**
 * A rule's {@code by}: the tags that tell the selected metric's series apart on one instance, each
 * distinct tuple of their values its own alert (docs/semantics.md, "One alert per series"). This
 * class checks the field and builds the alert key of a series.
 */
public final class SeriesBy {

    /** Labels already in every alert key, or not a tag of a series: naming them in {@code by} means nothing. */
    private static final Set<String> IN_KEY = Set.of("instance_id", "metric_name", "rule_id");
    /** Enough for any real series identity (Prometheus rules rarely group by more than three). */
    public static final int MAX_TAGS = 10;

    private SeriesBy() {
    }

    /** Adds the problems of {@code rule.by} to {@code problems}. */
    static void problems(Rule rule, List<String> problems) {
        List<String> by = rule.getBy();
        if (by.isEmpty()) {
            return;
        }
        if (rule.getKind() == RuleKind.SLO) {
            problems.add("by: an SLO rule keeps one error budget per instance and cannot be split by series;"
                    + " write one SLO per series with a matcher on the tag (e.g. database = orders)");
        }
        if (by.size() > MAX_TAGS) {
            problems.add("by: " + by.size() + " tags; at most " + MAX_TAGS);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < by.size(); i++) {
            String tag = by.get(i);
            if (tag == null || !AlertKeys.TAG_NAME.matcher(tag).matches()) {
                problems.add("by[" + i + "]: '" + tag + "' is not a tag name (letters, digits and '_', not starting"
                        + " with a digit)");
            } else if (IN_KEY.contains(tag)) {
                problems.add("by[" + i + "]: '" + tag + "' is already part of every alert key; list only the tags that tell"
                        + " one instance's series apart (e.g. database, table, slot)");
            } else if (!seen.add(tag)) {
                problems.add("by[" + i + "]: '" + tag + "' is listed twice");
            }
        }
    }

    /** The rule's {@code by}, sorted by name (the order of the key's suffix), from a valid rule. */
    static List<String> sorted(Rule rule) {
        return rule.getBy().stream().sorted().distinct().toList();
    }

    /**
     * The alert key of {@code series} under {@code rule}: the three-part key for a rule without
     * {@code by} (no more work per sample than before), else with the series suffix.
     */
    public static String alertKey(CompiledRule rule, Series series) {
        if (rule.kind() == RuleKind.EXPR) {
            return exprKey(rule.ruleId(), series);
        }
        List<String> by = rule.by();
        if (by.isEmpty()) {
            return AlertKeys.of(rule.ruleId(), series.instanceId(), series.metricName());
        }
        return AlertKeys.of(rule.ruleId(), series.instanceId(), series.metricName(), by, series::label);
    }

    /**
     * The key of one result series of an EXPR rule on an instance:
     * {@code <rule_id>:<instance_id>:<result metric name or __expr__>{<label>=<value>,...}} with every
     * label of the result but {@code __name__}, {@code instance_id}, {@code database_type} and
     * {@code environment} (the series' tags, sorted by name, values encoded as {@link AlertKeys} does);
     * no suffix when the result has no other label.
     */
    public static String exprKey(String ruleId, Series series) {
        if (series.tags().isEmpty()) {
            return AlertKeys.of(ruleId, series.instanceId(), series.metricName());
        }
        List<String> names = series.tags().keySet().stream().sorted().toList();
        return AlertKeys.of(ruleId, series.instanceId(), series.metricName(), names, series.tags()::get);
    }

    /**
     * The key of the alert of {@code rule} on {@code instanceId} whose series has the values of
     * {@code labels} (an inhibition looking for its source alert beside a target alert).
     */
    public static String alertKey(CompiledRule rule, String instanceId, java.util.Map<String, String> labels) {
        List<String> by = rule.by();
        if (by.isEmpty()) {
            return AlertKeys.of(rule.ruleId(), instanceId, rule.metricName());
        }
        return AlertKeys.of(rule.ruleId(), instanceId, rule.metricName(), by, labels::get);
    }
}
