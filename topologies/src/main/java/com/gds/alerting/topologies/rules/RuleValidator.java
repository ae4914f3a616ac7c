package com.gds.alerting.topologies.rules;

import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.OverrideMode;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.RuleOverride;
import com.gds.alerting.avro.Schedule;
import com.gds.alerting.avro.Severity;

/**
 * Checks a rule record before it reaches the topology. Every problem is reported, each with the
 * field path it is about and what would fix it, so a rule author reads one list, not one error at
 * a time.
 */
public final class RuleValidator {

    /** Rule ids become part of alert keys ({@code rule:instance:metric}), so no ':' and nothing exotic. */
    public static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Set<RuleKind> SUPPORTED = EnumSet.of(RuleKind.THRESHOLD);
    private static final long MIN_REPEAT_MS = 1_000;

    private RuleValidator() {
    }

    /** The problems of {@code rule}; empty when it is valid. */
    public static List<String> validate(Rule rule) {
        List<String> problems = new ArrayList<>();
        if (rule.getRuleId() == null || !RULE_ID.matcher(rule.getRuleId()).matches()) {
            problems.add("rule_id: '" + rule.getRuleId() + "' must be 1-200 characters of letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        if (!SUPPORTED.contains(rule.getKind())) {
            problems.add("kind: " + rule.getKind() + " rules are not supported by this version of the topology;"
                    + " supported: " + SUPPORTED);
        }
        String metric = rule.getSelector().getMetricName();
        if (metric == null || metric.isBlank() || metric.contains(":")) {
            problems.add("selector.metric_name: '" + metric + "' must be a non-empty metric name without ':'");
        }
        matchers("selector.matchers", rule.getSelector().getMatchers(), problems);
        if (rule.getKind() == RuleKind.THRESHOLD) {
            if (rule.getConditions().isEmpty()) {
                problems.add("conditions: a threshold rule needs at least one condition (severity, op, threshold)");
            }
            if (rule.getWindow() != null || rule.getSlo() != null || rule.getAbsence() != null) {
                problems.add("kind: a THRESHOLD rule must not set window, slo or absence");
            }
        }
        conditions("conditions", rule.getConditions(), problems);
        if (rule.getForMs() < 0) {
            problems.add("for_ms: " + rule.getForMs() + " is negative");
        }
        if (rule.getKeepFiringForMs() < 0) {
            problems.add("keep_firing_for_ms: " + rule.getKeepFiringForMs() + " is negative");
        }
        for (int i = 0; i < rule.getOverrides().size(); i++) {
            override("overrides[" + i + "]", rule.getOverrides().get(i), problems);
        }
        for (int i = 0; i < rule.getSchedules().size(); i++) {
            schedule("schedules[" + i + "]", rule.getSchedules().get(i), problems);
        }
        if (rule.getRepeatIntervalMs() != null && rule.getRepeatIntervalMs() < MIN_REPEAT_MS) {
            problems.add("repeat_interval_ms: " + rule.getRepeatIntervalMs() + " is below the minimum of "
                    + MIN_REPEAT_MS + " ms; leave it unset for no reminders");
        }
        escalation(rule, problems);
        template("summary", rule.getSummary(), problems);
        template("description", rule.getDescription(), problems);
        return problems;
    }

    private static void escalation(Rule rule, List<String> problems) {
        Long after = rule.getEscalateAfterMs();
        boolean target = rule.getEscalateToSeverity() != null || rule.getEscalateRoutingKey() != null;
        if (after == null && target) {
            problems.add("escalate_after_ms: escalate_to_severity / escalate_routing_key are set but escalate_after_ms"
                    + " is not; set when to escalate");
        }
        if (after != null && after <= 0) {
            problems.add("escalate_after_ms: " + after + " must be positive");
        }
        if (after != null && !target) {
            problems.add("escalate_to_severity: escalate_after_ms is set but neither escalate_to_severity nor"
                    + " escalate_routing_key says where to escalate");
        }
    }

    private static void matchers(String path, List<Matcher> matchers, List<String> problems) {
        for (int i = 0; i < matchers.size(); i++) {
            Matcher m = matchers.get(i);
            String at = path + "[" + i + "]";
            if (m.getLabel() == null || m.getLabel().isBlank()) {
                problems.add(at + ".label: empty label name");
            }
            if (m.getOp() == MatchOp.RE || m.getOp() == MatchOp.NRE) {
                try {
                    Pattern.compile(m.getValue());
                } catch (PatternSyntaxException e) {
                    problems.add(at + ".value: bad regular expression '" + m.getValue() + "': "
                            + e.getDescription() + " near index " + e.getIndex());
                }
            }
        }
    }

    private static void conditions(String path, List<Condition> conditions, List<String> problems) {
        Set<Severity> seen = EnumSet.noneOf(Severity.class);
        for (int i = 0; i < conditions.size(); i++) {
            Condition c = conditions.get(i);
            String at = path + "[" + i + "]";
            if (!seen.add(c.getSeverity())) {
                problems.add(at + ".severity: " + c.getSeverity() + " appears twice; one condition per severity");
            }
            if (!Double.isFinite(c.getThreshold())) {
                problems.add(at + ".threshold: " + c.getThreshold() + " is not a finite number");
            }
            Double recovery = c.getRecoveryThreshold();
            if (recovery == null) {
                continue;
            }
            String op = Level.symbol(c.getOp());
            switch (c.getOp()) {
                case GT, GTE -> {
                    if (recovery > c.getThreshold()) {
                        problems.add(at + ".recovery_threshold: " + recovery + " is above the threshold " + c.getThreshold()
                                + "; for '" + op + "' the alert recovers below the threshold, so use a value <= "
                                + c.getThreshold());
                    }
                }
                case LT, LTE -> {
                    if (recovery < c.getThreshold()) {
                        problems.add(at + ".recovery_threshold: " + recovery + " is below the threshold " + c.getThreshold()
                                + "; for '" + op + "' the alert recovers above the threshold, so use a value >= "
                                + c.getThreshold());
                    }
                }
                default -> problems.add(at + ".recovery_threshold: not allowed with '" + op + "'");
            }
        }
        ordering(path, conditions, problems);
    }

    /** With all-'>' (or all-'<') levels, a more urgent level must not trigger before a lesser one. */
    private static void ordering(String path, List<Condition> conditions, List<String> problems) {
        boolean above = conditions.stream().allMatch(c -> c.getOp() == Comparison.GT || c.getOp() == Comparison.GTE);
        boolean below = conditions.stream().allMatch(c -> c.getOp() == Comparison.LT || c.getOp() == Comparison.LTE);
        if (!above && !below) {
            return;
        }
        for (Condition a : conditions) {
            for (Condition b : conditions) {
                boolean moreUrgent = a.getSeverity().compareTo(b.getSeverity()) > 0;
                if (moreUrgent && (above ? a.getThreshold() < b.getThreshold() : a.getThreshold() > b.getThreshold())) {
                    problems.add(path + ": " + a.getSeverity() + " threshold " + a.getThreshold() + " would trigger before "
                            + b.getSeverity() + " threshold " + b.getThreshold() + "; the more urgent level needs the "
                            + (above ? "higher" : "lower") + " threshold");
                }
            }
        }
    }

    private static void override(String at, RuleOverride o, List<String> problems) {
        if (o.getMatchers().isEmpty()) {
            problems.add(at + ".matchers: an override needs at least one matcher (e.g. instance_id=\"pg-prod-01\")");
        }
        matchers(at + ".matchers", o.getMatchers(), problems);
        if (o.getMode() == OverrideMode.CUSTOM) {
            if (o.getConditions().isEmpty()) {
                problems.add(at + ".conditions: a CUSTOM override needs its own conditions");
            }
            conditions(at + ".conditions", o.getConditions(), problems);
        } else if (!o.getConditions().isEmpty()) {
            problems.add(at + ".conditions: only a CUSTOM override carries conditions, this one is " + o.getMode());
        }
    }

    private static void schedule(String at, Schedule s, List<String> problems) {
        try {
            ZoneId.of(s.getTimeZone());
        } catch (DateTimeException e) {
            problems.add(at + ".time_zone: unknown time zone '" + s.getTimeZone() + "'; use an IANA name such as Europe/Paris");
        }
        LocalTime start = time(at + ".start", s.getStart(), problems);
        LocalTime end = time(at + ".end", s.getEnd(), problems);
        if (start != null && start.equals(end)) {
            problems.add(at + ": start and end are both " + s.getStart() + "; leave the schedule out to apply always");
        }
        if (s.getConditions().isEmpty()) {
            problems.add(at + ".conditions: a schedule needs the conditions it applies");
        }
        conditions(at + ".conditions", s.getConditions(), problems);
    }

    private static LocalTime time(String at, String value, List<String> problems) {
        if (value != null && value.matches("\\d{2}:\\d{2}")) {
            try {
                return LocalTime.parse(value);
            } catch (DateTimeParseException e) {
                problems.add(at + ": '" + value + "' is not a time of day: " + e.getMessage());
                return null;
            }
        }
        problems.add(at + ": '" + value + "' is not a time of day as HH:mm (00:00-23:59)");
        return null;
    }

    private static void template(String at, String text, List<String> problems) {
        Template t = Template.parse(text);
        if (t != null) {
            for (String name : t.unknownPlaceholders()) {
                problems.add(at + ": unknown placeholder {{" + name + "}}; known: " + Template.NAMES.stream().sorted().toList()
                        + " and labels.<name>");
            }
        }
    }
}
