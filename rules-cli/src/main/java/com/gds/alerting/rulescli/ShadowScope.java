package com.gds.alerting.rulescli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.gds.alerting.avro.Rule;

/**
 * Which rules a {@code publish} manages, so that live rules and shadow rules are published apart:
 * a plain publish never deletes a shadow experiment it does not define, and {@code --shadow} never
 * touches a live rule.
 *
 * @param current  the rules on the topic the publish compares with (and may delete)
 * @param desired  the rules the topic must hold among those
 * @param warnings what the user should know (a shadow of a rule the topic does not hold)
 */
record ShadowScope(Map<String, Rule> current, List<Rule> desired, List<String> warnings) {

    /** Suffix of the id a candidate gets as a shadow: {@code lag} is shadowed by {@code lag.shadow}. */
    static final String SUFFIX = ".shadow";

    /**
     * {@code --shadow}: each file rule becomes the shadow of the rule it would replace; the topic's
     * shadow rules are the scope (a previous candidate set not in the files is removed).
     */
    static ShadowScope shadows(Map<String, Rule> onTopic, List<Rule> files) {
        List<Rule> desired = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Rule rule : files) {
            Rule shadow = rule.getShadow() ? rule : Rule.newBuilder(rule).setRuleId(rule.getRuleId() + SUFFIX).setShadow(true)
                    .setShadowOf(rule.getRuleId()).build();
            desired.add(shadow);
            Rule live = shadow.getShadowOf() == null ? null : onTopic.get(shadow.getShadowOf());
            if (shadow.getShadowOf() != null && (live == null || live.getShadow())) {
                warnings.add("shadow rule '" + shadow.getRuleId() + "': shadow_of '" + shadow.getShadowOf() + "' is no live rule on"
                        + " the topic, so its shadow diff compares it with nothing (every firing shows as only in shadow)");
            }
        }
        Map<String, Rule> current = new LinkedHashMap<>();
        onTopic.forEach((id, rule) -> {
            if (rule.getShadow()) {
                current.put(id, rule);
            }
        });
        return new ShadowScope(current, desired, warnings);
    }

    /**
     * A plain publish: the live rules on the topic, plus the shadow rules the files define; with
     * {@code dropShadows}, also the shadows of the files' rules, which are then deleted.
     */
    static ShadowScope live(Map<String, Rule> onTopic, List<Rule> files, boolean dropShadows) {
        Set<String> defined = files.stream().map(Rule::getRuleId).collect(Collectors.toSet());
        Map<String, Rule> current = new LinkedHashMap<>();
        onTopic.forEach((id, rule) -> {
            boolean shadowOfDefined = rule.getShadowOf() != null && defined.contains(rule.getShadowOf());
            if (!rule.getShadow() || defined.contains(id) || dropShadows && shadowOfDefined) {
                current.put(id, rule);
            }
        });
        return new ShadowScope(current, files, List.of());
    }
}
