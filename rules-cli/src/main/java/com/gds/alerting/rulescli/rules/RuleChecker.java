package com.gds.alerting.rulescli.rules;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.config.Durations;
import com.gds.alerting.rulescli.yaml.Diagnostics;
import com.gds.alerting.config.DidYouMean;
import com.gds.alerting.rulescli.yaml.Location;
import com.gds.alerting.topologies.rules.RuleValidator;

/**
 * Reads rule files and checks them as a set: the shape (by {@link RuleFileParser}), each rule's
 * meaning (by the topology's own {@link RuleValidator}, so the CLI and the topology can never
 * disagree), and what only a set of files can show (the same id twice).
 */
public final class RuleChecker {

    /** RuleValidator speaks in Avro field names; the user wrote the YAML ones. */
    private static final Map<String, String> YAML_NAMES = new LinkedHashMap<>();

    static {
        YAML_NAMES.put("selector.metric_name", "metric");
        YAML_NAMES.put("selector.matchers", "match");
        YAML_NAMES.put("keep_firing_for_ms", "keep_firing_for");
        YAML_NAMES.put("for_ms", "for");
        YAML_NAMES.put("recovery_threshold", "recovery");
        YAML_NAMES.put("repeat_interval_ms", "repeat_interval");
        YAML_NAMES.put("escalate_after_ms", "escalate_after");
        YAML_NAMES.put("escalate_to_severity", "escalate_to");
        YAML_NAMES.put("runbook_url", "runbook");
        YAML_NAMES.put("rule_id", "id");
        YAML_NAMES.put("conditions", "severities");
        YAML_NAMES.put("matchers", "match");
        YAML_NAMES.put("size_ms", "size");
        YAML_NAMES.put("advance_ms", "advance");
        YAML_NAMES.put("grace_ms", "grace");
        YAML_NAMES.put("period_ms", "period");
        YAML_NAMES.put("long_window_ms", "long");
        YAML_NAMES.put("short_window_ms", "short");
        YAML_NAMES.put("forget_after_ms", "forget_after");
        YAML_NAMES.put("good_op/good_threshold", "good");
        YAML_NAMES.put("good_op", "good");
        YAML_NAMES.put("min_history_ms", "min_history");
        YAML_NAMES.put("confirm_samples", "confirm");
        YAML_NAMES.put("window_ms", "window");
        YAML_NAMES.put("horizon_ms", "horizon");
        YAML_NAMES.put("forecast.limit", "forecast.crosses");
        YAML_NAMES.put("forecast.op", "forecast.crosses");
        YAML_NAMES.put("recovery_expression", "recovery");
    }

    /** A problem the expression parser found, {@code line:column: ...} inside the expression. */
    private static final Pattern EXPR_POSITION = Pattern.compile("\\d+:\\d+: ");

    /** A whole number of milliseconds in a message, not part of a decimal and not already followed by a unit. */
    private static final Pattern MILLIS = Pattern.compile("(?<![\\d.E])(\\d{4,})(?![\\d.E]| ms)");

    private RuleChecker() {
    }

    /**
     * The outcome of checking a set of files.
     *
     * @param rules       every rule read, in file order (also the invalid ones)
     * @param diagnostics every problem found
     */
    public record Result(List<ParsedRule> rules, Diagnostics diagnostics) {

        /** The records, when there is no error. */
        public List<Rule> records() {
            return rules.stream().map(ParsedRule::rule).toList();
        }
    }

    /** Checks {@code files} together. */
    public static Result check(List<Path> files) {
        AvroClassTrust.install();
        Diagnostics diagnostics = new Diagnostics();
        List<ParsedRule> all = new ArrayList<>();
        for (Path file : files) {
            all.addAll(RuleFileParser.parse(file, file.toString(), diagnostics));
        }
        Map<String, ParsedRule> byId = new HashMap<>();
        for (ParsedRule parsed : all) {
            Rule rule = parsed.rule();
            String id = rule.getRuleId();
            ParsedRule first = byId.putIfAbsent(id, parsed);
            if (first != null && !id.isEmpty()) {
                diagnostics.error(parsed.locate("rule_id"), "rule id '" + id + "' is already used at " + first.locate("rule_id")
                        + "; rule ids are unique across all files (the topic is keyed by them)");
            }
            Set<Integer> shapeErrorLines = parsed.complete() ? Set.of() : diagnostics.errors().stream()
                    .filter(d -> d.location().file().equals(parsed.location().file()))
                    .map(d -> d.location().line()).collect(Collectors.toSet());
            for (String problem : RuleValidator.validate(rule)) {
                int colon = problem.indexOf(": ");
                String path = colon < 0 ? "" : problem.substring(0, colon);
                if (path.startsWith("expr") && EXPR_POSITION.matcher(problem.substring(colon + 2)).lookingAt()) {
                    continue; // a syntax error in an expression: ExprField reported it at its line and column in the file
                }
                Location at = parsed.locate(path);
                // A field that did not parse was left at its default: what the validator says about
                // that default is noise next to the parse error already reported on that line.
                if (!shapeErrorLines.contains(at.line())) {
                    diagnostics.error(at, "rule '" + id + "': " + yamlNames(durations(path, problem)));
                }
            }
            SeriesTagCatalog.Missing missing = SeriesTagCatalog.missing(rule);
            if (parsed.complete() && missing.any()) {
                // Warned, not refused: one alert per instance can be what is meant (the worst database), and
                // the catalog only knows what the collectors of this repository publish.
                diagnostics.warning(parsed.locate(rule.getBy().isEmpty() ? "selector.metric_name" : "by"), "rule '" + id
                        + "': '" + rule.getSelector().getMetricName() + "' is published as one series per "
                        + String.join(", ", missing.tags()) + " on " + String.join(", ", missing.databaseTypes())
                        + ", and the rule's 'by' does not list " + (missing.tags().size() == 1 ? "it" : "them")
                        + ": those series would share one alert, and a healthy one would clear another's breach; add"
                        + " 'by: [" + String.join(", ", concat(rule.getBy(), missing.tags())) + "]' (or pin the tag with a"
                        + " match)");
            }
            if (parsed.complete() && rule.getForMs() == 0 && rule.getKeepFiringForMs() > 0) {
                // Legal in Prometheus, but usually a mistake: without 'for' a single spike pages and
                // keep_firing_for then holds the page open. Flagged, not refused (--strict refuses it).
                diagnostics.warning(parsed.locate("keep_firing_for_ms"), "rule '" + id + "': keep_firing_for is set but for is 0,"
                        + " so one breaching sample fires and stays firing for keep_firing_for; set 'for' to ignore single spikes");
            }
        }
        shadowsOfUnknownRules(all, byId, diagnostics);
        return new Result(all, diagnostics);
    }

    private static String hint(String typed, Set<String> known) {
        String closest = DidYouMean.closest(typed, known);
        return closest == null ? "" : "; did you mean '" + closest + "'?";
    }

    /**
     * A {@code shadow_of} that names no rule of the files is a warning, not an error: the live rule
     * may be on the topic already (publish checks it there). But a typo would make the shadow diff
     * compare with nothing, every firing "only in shadow", so it is said.
     */
    private static void shadowsOfUnknownRules(List<ParsedRule> all, Map<String, ParsedRule> byId, Diagnostics diagnostics) {
        for (ParsedRule parsed : all) {
            String of = parsed.rule().getShadowOf();
            if (of != null && !byId.containsKey(of) && RuleValidator.RULE_ID.matcher(of).matches()) {
                diagnostics.warning(parsed.locate("shadow_of"), "rule '" + parsed.rule().getRuleId() + "': shadow_of '" + of
                        + "' names no rule in these files; unless it is already on the rules topic, the shadow diff compares"
                        + " this rule with nothing" + hint(of, byId.keySet()));
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /**
     * RuleValidator states durations in milliseconds, as the record holds them; the file says
     * {@code 5m}. In a problem about a duration field (or a burn window), whole milliseconds are
     * shown as durations again: "window.advance: 7m must ... divide size 5m".
     */
    static String durations(String path, String problem) {
        if (!path.endsWith("_ms") && !path.startsWith("slo.burn_windows")) {
            return problem;
        }
        return MILLIS.matcher(problem).replaceAll(m -> Durations.format(Duration.ofMillis(Long.parseLong(m.group(1)))));
    }

    static String yamlNames(String problem) {
        String out = problem;
        for (Map.Entry<String, String> e : YAML_NAMES.entrySet()) {
            out = out.replaceAll("(?<![A-Za-z_])" + Pattern.quote(e.getKey()) + "(?![A-Za-z_])", e.getValue());
        }
        return out;
    }

    /** Where a problem sits, for callers that only have the rule. */
    public static Location locate(ParsedRule rule, String path) {
        return rule.locate(path);
    }
}
