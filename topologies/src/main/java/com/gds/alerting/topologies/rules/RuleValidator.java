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

import com.gds.alerting.avro.AnomalySpec;
import com.gds.alerting.avro.BurnWindow;
import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.ForecastSpec;
import com.gds.alerting.avro.Inhibition;
import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.OverrideMode;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.RuleOverride;
import com.gds.alerting.avro.Schedule;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.SliKind;
import com.gds.alerting.avro.SloSpec;
import com.gds.alerting.avro.WindowSpec;
import com.gds.alerting.avro.WindowType;
import com.gds.alerting.topologies.anomaly.TrendWindow;

/**
 * Checks a rule record before it reaches the topology. Every problem is reported, each with the
 * field path it is about and what would fix it, so a rule author reads one list, not one error at
 * a time.
 */
public final class RuleValidator {

    /** Rule ids become part of alert keys ({@code rule:instance:metric}), so no ':' and nothing exotic. */
    public static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final long MIN_REPEAT_MS = 1_000;
    /** A window is at most this many panes (size / advance): a window's evaluation merges them all. */
    public static final long MAX_PANES_PER_WINDOW = 1_000;
    /** Grace beyond a day would keep panes (and delay verdicts) for longer than any collector outage we expect. */
    public static final long MAX_GRACE_MS = 86_400_000L;
    /** SLO windows and periods are whole minutes, so each divides into {@code SloBuckets.BUCKETS} equal buckets. */
    public static final long SLO_WINDOW_UNIT_MS = 60_000L;
    /** The longest SLO period (about 13 months). */
    public static final long MAX_SLO_PERIOD_MS = 400L * 86_400_000L;
    /**
     * The longest {@code for}, {@code keep_firing_for}, {@code repeat_interval}, {@code
     * escalate_after}, absence {@code forget_after} and window size: 366 days. Longer is a typo
     * (or an attack: {@code now + 106751991167d} overflows), and the CLI, the topology and anything
     * else that validates rules share this check.
     */
    public static final long MAX_DURATION_MS = 366L * 86_400_000L;

    private RuleValidator() {
    }

    /**
     * {@code shadow_of} names the live rule a shadow rule would replace: only on a shadow rule, a
     * well-formed rule id, not itself. Whether that rule exists is not a property of one record (it
     * may be published later); {@code gds-rules validate} and {@code publish} warn about it.
     */
    private static void shadow(Rule rule, List<String> problems) {
        String of = rule.getShadowOf();
        if (of == null) {
            return;
        }
        if (!rule.getShadow()) {
            problems.add("shadow_of: '" + of + "' is set on a live rule; only a shadow rule (shadow: true) names the rule it"
                    + " would replace");
        }
        if (!RULE_ID.matcher(of).matches()) {
            problems.add("shadow_of: '" + of + "' is not a rule id (1-200 characters of letters, digits, '.', '_' or '-')");
        } else if (of.equals(rule.getRuleId())) {
            problems.add("shadow_of: a rule cannot be the shadow of itself ('" + of + "'); give the shadow its own id, e.g. '"
                    + of + ".shadow'");
        }
    }

    /** The problems of {@code rule}; empty when it is valid. */
    public static List<String> validate(Rule rule) {
        List<String> problems = new ArrayList<>();
        if (rule.getRuleId() == null || !RULE_ID.matcher(rule.getRuleId()).matches()) {
            problems.add("rule_id: '" + rule.getRuleId() + "' must be 1-200 characters of letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        shadow(rule, problems);
        String metric = rule.getSelector().getMetricName();
        if (rule.getKind() != RuleKind.EXPR && (metric == null || metric.isBlank() || metric.contains(":"))) {
            problems.add("selector.metric_name: '" + metric + "' must be a non-empty metric name without ':'");
        }
        matchers("selector.matchers", rule.getSelector().getMatchers(), problems);
        kind(rule, problems);
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
        durationMaxima(rule, problems);
        escalation(rule, problems);
        for (int i = 0; i < rule.getInhibits().size(); i++) {
            inhibition("inhibits[" + i + "]", rule.getInhibits().get(i), problems);
        }
        template("summary", rule.getSummary(), problems);
        template("description", rule.getDescription(), problems);
        if (rule.getKind() != RuleKind.EXPR) {
            SeriesBy.problems(rule, problems);
        }
        ExprSpecs.problems(rule, problems);
        return problems;
    }

    /** What each kind needs and refuses. */
    private static void kind(Rule rule, List<String> problems) {
        RuleKind kind = rule.getKind();
        if (kind == RuleKind.EXPR) {
            // Conditions, schedules and overrides depend on the form of the expression: ExprSpecs checks them.
            spec(kind, RuleKind.WINDOW, "window", rule.getWindow() != null, problems);
            spec(kind, RuleKind.SLO, "slo", rule.getSlo() != null, problems);
            spec(kind, RuleKind.ABSENCE, "absence", rule.getAbsence() != null, problems);
            return;
        }
        boolean conditionsUsed = kind == RuleKind.THRESHOLD || kind == RuleKind.WINDOW;
        if (conditionsUsed && rule.getConditions().isEmpty()) {
            problems.add("conditions: a " + kind.name().toLowerCase(java.util.Locale.ROOT)
                    + " rule needs at least one condition (severity, op, threshold)");
        }
        if (!conditionsUsed) {
            if (!rule.getConditions().isEmpty()) {
                problems.add("conditions: an " + kind + " rule takes its severities from its "
                        + switch (kind) {
                            case SLO -> "slo.burn_windows";
                            case ANOMALY -> "anomaly.severity and anomaly.bounds";
                            case FORECAST -> "forecast.severity, limit and horizon";
                            default -> "absence.severity";
                        } + "; leave conditions empty");
            }
            if (!rule.getSchedules().isEmpty()) {
                problems.add("schedules: an " + kind + " rule has no conditions to schedule; leave schedules empty");
            }
            for (int i = 0; i < rule.getOverrides().size(); i++) {
                if (rule.getOverrides().get(i).getMode() == OverrideMode.CUSTOM) {
                    problems.add("overrides[" + i + "].mode: an " + kind + " rule has no conditions to customise;"
                            + " use DISABLED or DEFAULT");
                }
            }
        }
        spec(kind, RuleKind.WINDOW, "window", rule.getWindow() != null, problems);
        spec(kind, RuleKind.SLO, "slo", rule.getSlo() != null, problems);
        spec(kind, RuleKind.ABSENCE, "absence", rule.getAbsence() != null, problems);
        spec(kind, RuleKind.ANOMALY, "anomaly", rule.getAnomaly() != null, problems);
        spec(kind, RuleKind.FORECAST, "forecast", rule.getForecast() != null, problems);
        if (kind == RuleKind.ANOMALY && rule.getAnomaly() != null) {
            anomaly(rule.getAnomaly(), problems);
        }
        if (kind == RuleKind.FORECAST && rule.getForecast() != null) {
            forecast(rule.getForecast(), problems);
        }
        if (kind == RuleKind.WINDOW && rule.getWindow() != null) {
            window(rule.getWindow(), problems);
        }
        if (kind == RuleKind.SLO && rule.getSlo() != null) {
            slo(rule, rule.getSlo(), problems);
        }
        if (kind == RuleKind.ABSENCE) {
            if (rule.getForMs() <= 0) {
                problems.add("for_ms: an ABSENCE rule needs how long without a sample makes the alert fire (> 0)");
            }
            Long forget = rule.getAbsence() == null ? null : rule.getAbsence().getForgetAfterMs();
            if (forget != null && forget <= rule.getForMs()) {
                problems.add("absence.forget_after_ms: " + forget + " must be longer than for_ms " + rule.getForMs()
                        + ", or a silent instance would be forgotten before its absence alert fires");
            }
        }
    }

    private static void spec(RuleKind kind, RuleKind owner, String field, boolean present, List<String> problems) {
        if (kind == owner && !present) {
            problems.add(field + ": a " + owner + " rule needs its " + field + " spec");
        } else if (kind != owner && present) {
            problems.add(field + ": only a " + owner + " rule carries a " + field + " spec, this one is " + kind);
        }
    }

    /** The longest {@code min_history}: a year (a weekly baseline needs weeks, not years). */
    public static final long MAX_MIN_HISTORY_MS = 366L * 86_400_000L;
    /** The most consecutive out-of-band samples an anomaly rule may wait for (the streak is kept in one byte). */
    public static final int MAX_CONFIRM_SAMPLES = 255;
    /** The longest forecast window: a week (its samples are kept, at most {@code TrendWindow.MAX_SAMPLES}). */
    public static final long MAX_FORECAST_WINDOW_MS = 7L * 86_400_000L;

    private static void anomaly(AnomalySpec a, List<String> problems) {
        try {
            ZoneId.of(a.getTimeZone());
        } catch (DateTimeException e) {
            problems.add("anomaly.time_zone: unknown time zone '" + a.getTimeZone() + "'; use an IANA name such as Europe/Paris");
        }
        if (!(a.getBounds() > 0 && a.getBounds() <= 100)) {
            problems.add("anomaly.bounds: " + a.getBounds() + " must be above 0 and at most 100 (standard deviations; 3 is usual)");
        }
        if (a.getRecoveryBounds() != null && !(a.getRecoveryBounds() >= 0 && a.getRecoveryBounds() <= a.getBounds())) {
            problems.add("anomaly.recovery_bounds: " + a.getRecoveryBounds() + " must be between 0 and bounds " + a.getBounds()
                    + " (an alert holds while the deviation stays beyond it)");
        }
        if (!(a.getMinDeviation() >= 0) || Double.isInfinite(a.getMinDeviation())) {
            problems.add("anomaly.min_deviation: " + a.getMinDeviation() + " must be a finite number >= 0");
        }
        if (a.getMinHistoryMs() != null && (a.getMinHistoryMs() < 0 || a.getMinHistoryMs() > MAX_MIN_HISTORY_MS)) {
            problems.add("anomaly.min_history_ms: " + a.getMinHistoryMs() + " must be between 0 and " + MAX_MIN_HISTORY_MS
                    + " (366 days)");
        }
        if (a.getConfirmSamples() < 1 || a.getConfirmSamples() > MAX_CONFIRM_SAMPLES) {
            problems.add("anomaly.confirm_samples: " + a.getConfirmSamples() + " must be between 1 and " + MAX_CONFIRM_SAMPLES);
        }
    }

    private static void forecast(ForecastSpec f, List<String> problems) {
        if (!Double.isFinite(f.getLimit())) {
            problems.add("forecast.limit: " + f.getLimit() + " must be a finite number");
        }
        if (f.getOp() == Comparison.EQ || f.getOp() == Comparison.NEQ) {
            problems.add("forecast.op: " + f.getOp() + " cannot be crossed; use GT/GTE (the limit is reached going up) or"
                    + " LT/LTE (going down)");
        }
        if (f.getWindowMs() <= 0 || f.getWindowMs() > MAX_FORECAST_WINDOW_MS) {
            problems.add("forecast.window_ms: " + f.getWindowMs() + " must be positive and at most " + MAX_FORECAST_WINDOW_MS
                    + " (7 days)");
        }
        if (f.getHorizonMs() <= 0 || f.getHorizonMs() > MAX_DURATION_MS) {
            problems.add("forecast.horizon_ms: " + f.getHorizonMs() + " must be positive and at most " + MAX_DURATION_MS);
        }
        if (f.getMinSamples() < 2 || f.getMinSamples() > TrendWindow.MAX_SAMPLES) {
            problems.add("forecast.min_samples: " + f.getMinSamples() + " must be between 2 (a line needs two points) and "
                    + TrendWindow.MAX_SAMPLES);
        }
    }

    private static void window(WindowSpec w, List<String> problems) {
        if (w.getSizeMs() <= 0) {
            problems.add("window.size_ms: " + w.getSizeMs() + " must be positive");
            return;
        }
        if (w.getType() == WindowType.TUMBLING && w.getAdvanceMs() != null && w.getAdvanceMs() != w.getSizeMs()) {
            problems.add("window.advance_ms: a TUMBLING window advances by its size; leave advance_ms unset or use HOPPING");
        }
        long advance = WindowSpecs.of(w).advanceMs();
        if (advance <= 0 || advance > w.getSizeMs() || w.getSizeMs() % advance != 0) {
            problems.add("window.advance_ms: " + advance + " must be positive and divide size_ms " + w.getSizeMs()
                    + " (a window is a whole number of hops)");
        } else if (w.getSizeMs() / advance > MAX_PANES_PER_WINDOW) {
            problems.add("window.advance_ms: " + advance + " makes " + w.getSizeMs() / advance + " hops per window;"
                    + " at most " + MAX_PANES_PER_WINDOW);
        }
        if (w.getGraceMs() < 0 || w.getGraceMs() > MAX_GRACE_MS) {
            problems.add("window.grace_ms: " + w.getGraceMs() + " must be between 0 and " + MAX_GRACE_MS);
        }
    }

    private static void slo(Rule rule, SloSpec slo, List<String> problems) {
        if (!(slo.getObjective() > 0 && slo.getObjective() < 1)) {
            problems.add("slo.objective: " + slo.getObjective() + " must be strictly between 0 and 1 (e.g. 0.999)");
        }
        boolean periodOk = wholeMinutes("slo.period_ms", slo.getPeriodMs(), problems);
        if (periodOk && slo.getPeriodMs() > MAX_SLO_PERIOD_MS) {
            problems.add("slo.period_ms: " + slo.getPeriodMs() + " is longer than " + MAX_SLO_PERIOD_MS + " (400 days)");
        }
        String metric = rule.getSelector().getMetricName();
        if (slo.getSli() == SliKind.RATIO) {
            if ((slo.getGoodMetric() == null) == (slo.getBadMetric() == null)) {
                problems.add("slo: a RATIO SLI needs exactly one of good_metric and bad_metric");
            }
            String counter = slo.getGoodMetric() != null ? slo.getGoodMetric() : slo.getBadMetric();
            if (counter != null && (counter.isBlank() || counter.contains(":") || counter.equals(metric))) {
                problems.add("slo.good_metric/bad_metric: '" + counter + "' must be a metric name without ':', other than"
                        + " the total counter '" + metric + "'");
            }
            if (slo.getTotalMetric() != null && !slo.getTotalMetric().equals(metric)) {
                problems.add("slo.total_metric: '" + slo.getTotalMetric() + "' must be the selector's metric_name '" + metric
                        + "' (the total counter names the alert); leave it unset or make them equal");
            }
            if (slo.getGoodOp() != null || slo.getGoodThreshold() != null) {
                problems.add("slo.good_op/good_threshold: only a THRESHOLD SLI compares samples");
            }
        } else {
            if (slo.getGoodOp() == null || slo.getGoodThreshold() == null || !Double.isFinite(slo.getGoodThreshold())) {
                problems.add("slo.good_op/good_threshold: a THRESHOLD SLI needs the condition a good sample meets"
                        + " (e.g. EQ 1 for up == 1)");
            }
            if (slo.getGoodMetric() != null || slo.getBadMetric() != null || slo.getTotalMetric() != null) {
                problems.add("slo.good_metric/bad_metric/total_metric: only a RATIO SLI reads counters");
            }
        }
        for (int i = 0; i < slo.getBurnWindows().size(); i++) {
            BurnWindow w = slo.getBurnWindows().get(i);
            String at = "slo.burn_windows[" + i + "]";
            boolean longOk = wholeMinutes(at + ".long_window_ms", w.getLongWindowMs(), problems);
            boolean shortOk = wholeMinutes(at + ".short_window_ms", w.getShortWindowMs(), problems);
            if (longOk && shortOk && w.getShortWindowMs() >= w.getLongWindowMs()) {
                problems.add(at + ": the short window " + w.getShortWindowMs() + " must be shorter than the long one "
                        + w.getLongWindowMs() + " (the Workbook uses 1/12)");
            }
            if (longOk && periodOk && w.getLongWindowMs() > slo.getPeriodMs()) {
                problems.add(at + ".long_window_ms: " + w.getLongWindowMs() + " is longer than the period " + slo.getPeriodMs());
            }
            if (!(w.getBurnRate() > 0) || !Double.isFinite(w.getBurnRate())) {
                problems.add(at + ".burn_rate: " + w.getBurnRate() + " must be a positive number");
            }
        }
        if (slo.getMinEvents() < 0) {
            problems.add("slo.min_events: " + slo.getMinEvents() + " is negative; it is the least number of events a window"
                    + " must hold to be judged (requests, i.e. the total counter's increase, for a RATIO SLI; samples for a"
                    + " THRESHOLD SLI)");
        }
    }

    private static boolean wholeMinutes(String at, long ms, List<String> problems) {
        if (ms <= 0 || ms % SLO_WINDOW_UNIT_MS != 0) {
            problems.add(at + ": " + ms + " must be a positive whole number of minutes (a multiple of 60000)");
            return false;
        }
        return true;
    }

    /** Every duration of the rule at most {@link #MAX_DURATION_MS}. */
    private static void durationMaxima(Rule rule, List<String> problems) {
        atMostMax("for_ms", rule.getForMs(), problems);
        atMostMax("keep_firing_for_ms", rule.getKeepFiringForMs(), problems);
        atMostMax("repeat_interval_ms", rule.getRepeatIntervalMs(), problems);
        atMostMax("escalate_after_ms", rule.getEscalateAfterMs(), problems);
        if (rule.getAbsence() != null) {
            atMostMax("absence.forget_after_ms", rule.getAbsence().getForgetAfterMs(), problems);
        }
        if (rule.getWindow() != null) {
            atMostMax("window.size_ms", rule.getWindow().getSizeMs(), problems);
        }
    }

    private static void atMostMax(String field, Long ms, List<String> problems) {
        if (ms != null && ms > MAX_DURATION_MS) {
            problems.add(field + ": " + ms + " ms is longer than the maximum of " + MAX_DURATION_MS + " ms (366 days)");
        }
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

    private static void inhibition(String at, Inhibition inhibition, List<String> problems) {
        matchers(at + ".target_matchers", inhibition.getTargetMatchers(), problems);
        for (int i = 0; i < inhibition.getEqual().size(); i++) {
            String label = inhibition.getEqual().get(i);
            if (label == null || label.isBlank()) {
                problems.add(at + ".equal[" + i + "]: empty label name");
            }
        }
    }

    static void matchers(String path, List<Matcher> matchers, List<String> problems) {
        for (int i = 0; i < matchers.size(); i++) {
            Matcher m = matchers.get(i);
            String at = path + "[" + i + "]";
            if (m.getLabel() == null || m.getLabel().isBlank()) {
                problems.add(at + ".label: empty label name");
            }
            if (m.getOp() == MatchOp.RE || m.getOp() == MatchOp.NRE) {
                String problem = MatcherRegex.problem(m.getValue());
                if (problem != null) {
                    problems.add(at + ".value: " + problem);
                }
            }
        }
    }

    static void conditions(String path, List<Condition> conditions, List<String> problems) {
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

    static void schedule(String at, Schedule s, List<String> problems) {
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
