package com.gds.alerting.topologies.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.gds.alerting.avro.ExprLevel;
import com.gds.alerting.avro.ExprSpec;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.OverrideMode;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.topologies.expr.Evaluator;
import com.gds.alerting.topologies.expr.Expr;
import com.gds.alerting.topologies.expr.ExprParser;
import com.gds.alerting.topologies.expr.ExprSyntaxException;
import com.gds.alerting.topologies.expr.StateRequirements;

/**
 * The expression of an EXPR rule, parsed and type-checked once when the rule is accepted: either
 * one expression whose value the rule's conditions judge ({@link #expression()}), or one filtering
 * expression per severity ({@link #levels()}, most urgent first). Also what the rule needs from an
 * instance's state: the metric names its selectors read and, per metric, how far back
 * ({@link StateRequirements}).
 */
public final class ExprSpecs {

    /** Labels an EXPR rule's selector matchers may use: they say which instances the rule applies to. */
    public static final Set<String> SCOPE_LABELS = Set.of("instance_id", "database_type", "environment");
    /**
     * The longest history one selector may need ({@code offset + range}, or {@code offset + 5m} for an
     * instant selector): the state keeps each series' raw samples over it, rewritten with every sample.
     */
    public static final long MAX_RETENTION_MS = 86_400_000L;
    /** The metric name of the alert key of a result series without {@code __name__}. */
    public static final String NO_METRIC_NAME = "__expr__";

    /** One severity of the per-severity form: a series in {@code expr}'s result breaches it. */
    public record ExprLevelSpec(Severity severity, Expr expr, Expr recovery, double threshold) {
    }

    private final Expr expression;
    private final List<ExprLevelSpec> levels;
    private final List<String> metricNames;
    private final Map<String, List<StateRequirements.Need>> needs;
    private final Map<String, Long> retention;

    private ExprSpecs(Expr expression, List<ExprLevelSpec> levels) {
        this.expression = expression;
        this.levels = levels;
        Map<String, List<StateRequirements.Need>> byMetric = new LinkedHashMap<>();
        List<Expr> all = new ArrayList<>();
        if (expression != null) {
            all.add(expression);
        }
        for (ExprLevelSpec level : levels) {
            all.add(level.expr());
            if (level.recovery() != null) {
                all.add(level.recovery());
            }
        }
        for (Expr e : all) {
            for (StateRequirements.Need need : StateRequirements.of(e, Evaluator.DEFAULT_LOOKBACK_MS)) {
                byMetric.computeIfAbsent(need.metricName(), m -> new ArrayList<>()).add(need);
            }
        }
        Map<String, Long> keep = new LinkedHashMap<>();
        byMetric.forEach((metric, list) -> keep.put(metric, list.stream().mapToLong(StateRequirements.Need::retentionMs)
                .max().orElse(0)));
        this.needs = Map.copyOf(byMetric);
        this.retention = Map.copyOf(keep);
        this.metricNames = List.copyOf(byMetric.keySet());
    }

    /** From a spec {@link #problems} found nothing wrong with. */
    static ExprSpecs of(ExprSpec spec) {
        Expr expression = spec.getExpression() == null ? null : ExprParser.parse(spec.getExpression());
        List<ExprLevelSpec> levels = new ArrayList<>();
        for (ExprLevel level : spec.getLevels()) {
            Expr e = ExprParser.parse(level.getExpression());
            levels.add(new ExprLevelSpec(level.getSeverity(), e,
                    level.getRecoveryExpression() == null ? null : ExprParser.parse(level.getRecoveryExpression()),
                    threshold(e)));
        }
        levels.sort(Comparator.comparing(ExprLevelSpec::severity).reversed());
        return new ExprSpecs(expression, List.copyOf(levels));
    }

    /**
     * The number a filtering expression compares with, for the alert's {@code threshold}: the literal
     * right-hand side of a top-level comparison ({@code x > 0.8}); NaN when there is none
     * ({@code x > y * 0.8}).
     */
    static double threshold(Expr e) {
        Expr top = e;
        while (top instanceof Expr.Paren p) {
            top = p.inner();
        }
        if (top instanceof Expr.Binary b && !b.returnBool() && isComparison(b.op())) {
            Expr rhs = b.rhs();
            while (rhs instanceof Expr.Paren p) {
                rhs = p.inner();
            }
            if (rhs instanceof Expr.NumberLiteral n) {
                return n.value();
            }
        }
        return Double.NaN;
    }

    private static boolean isComparison(Expr.BinaryOp op) {
        return switch (op) {
            case EQL, NEQ, GTR, LSS, GTE, LTE -> true;
            default -> false;
        };
    }

    /** The expression the conditions judge, or {@code null} for the per-severity form. */
    public Expr expression() {
        return expression;
    }

    /** The per-severity expressions, most urgent first; empty for the conditions form. */
    public List<ExprLevelSpec> levels() {
        return levels;
    }

    /** Every metric name the expressions' selectors read, in order of appearance. */
    public List<String> metricNames() {
        return metricNames;
    }

    /** The selectors of {@code metricName} (their matchers and how far back each reads). */
    public List<StateRequirements.Need> needs(String metricName) {
        return needs.getOrDefault(metricName, List.of());
    }

    /** How far back from an evaluation time the rule reads {@code metricName}; 0 when it does not. */
    public long retentionMs(String metricName) {
        return retention.getOrDefault(metricName, 0L);
    }

    /** Adds the problems of an EXPR rule (or of an expr block on another kind) to {@code problems}. */
    static void problems(Rule rule, List<String> problems) {
        ExprSpec spec = rule.getExpr();
        if (rule.getKind() != RuleKind.EXPR) {
            if (spec != null) {
                problems.add("expr: only an EXPR rule carries an expr spec, this one is " + rule.getKind());
            }
            return;
        }
        if (spec == null) {
            problems.add("expr: an EXPR rule needs its expr spec (an expression and conditions, or one expression per"
                    + " severity)");
            return;
        }
        String metric = rule.getSelector().getMetricName();
        if (metric != null && !metric.isEmpty()) {
            problems.add("selector.metric_name: an EXPR rule names its metrics in its expression; leave metric out (found '"
                    + metric + "')");
        }
        List<Matcher> matchers = rule.getSelector().getMatchers();
        for (int i = 0; i < matchers.size(); i++) {
            if (!SCOPE_LABELS.contains(matchers.get(i).getLabel())) {
                problems.add("selector.matchers[" + i + "].label: an EXPR rule's selector says which instances it applies to,"
                        + " on instance_id, database_type or environment only; match '" + matchers.get(i).getLabel()
                        + "' inside the expression's selectors instead");
            }
        }
        if (!rule.getBy().isEmpty()) {
            problems.add("by: an EXPR rule alerts once per result series of its expression (its labels are the series);"
                    + " aggregate with sum by (...) in the expression instead");
        }
        if (!rule.getInhibits().isEmpty()) {
            problems.add("inhibits: an EXPR rule cannot be an inhibition source (its alert keys depend on its result labels);"
                    + " use a threshold rule (e.g. up < 1) as the source");
        }
        boolean single = spec.getExpression() != null;
        boolean perSeverity = !spec.getLevels().isEmpty();
        if (single == perSeverity) {
            problems.add("expr: give either expr.expression (its value judged by the conditions) or expr.levels (one"
                    + " expression per severity), " + (single ? "not both" : "one of them"));
        }
        List<Expr> parsed = new ArrayList<>();
        if (single) {
            Expr e = parse("expr.expression", spec.getExpression(), problems);
            if (e != null) {
                parsed.add(e);
            }
            if (rule.getConditions().isEmpty()) {
                problems.add("conditions: an EXPR rule with one expression needs at least one condition (severity, op,"
                        + " threshold) to judge its value; or give one expression per severity");
            }
        }
        if (perSeverity) {
            if (!rule.getConditions().isEmpty()) {
                problems.add("conditions: an EXPR rule with one expression per severity has no thresholds; each"
                        + " expression's result series breach its severity");
            }
            if (!rule.getSchedules().isEmpty()) {
                problems.add("schedules: an EXPR rule with one expression per severity has no conditions to schedule");
            }
            for (int i = 0; i < rule.getOverrides().size(); i++) {
                if (rule.getOverrides().get(i).getMode() == OverrideMode.CUSTOM) {
                    problems.add("overrides[" + i + "].mode: an EXPR rule with one expression per severity has no conditions"
                            + " to customise; use DISABLED or DEFAULT");
                }
            }
            Set<Severity> seen = EnumSet.noneOf(Severity.class);
            for (int i = 0; i < spec.getLevels().size(); i++) {
                ExprLevel level = spec.getLevels().get(i);
                String at = "expr.levels[" + i + "]";
                if (!seen.add(level.getSeverity())) {
                    problems.add(at + ".severity: " + level.getSeverity() + " appears twice; one expression per severity");
                }
                Expr e = parse(at + ".expression", level.getExpression(), problems);
                if (e != null) {
                    parsed.add(e);
                }
                if (level.getRecoveryExpression() != null) {
                    Expr r = parse(at + ".recovery_expression", level.getRecoveryExpression(), problems);
                    if (r != null) {
                        parsed.add(r);
                    }
                }
            }
        }
        boolean readsMetric = false;
        for (Expr e : parsed) {
            for (StateRequirements.Need need : StateRequirements.of(e, Evaluator.DEFAULT_LOOKBACK_MS)) {
                readsMetric = true;
                if (need.retentionMs() > MAX_RETENTION_MS) {
                    problems.add("expr: the selector of '" + need.metricName() + "' reads " + need.retentionMs()
                            + " ms back (range + offset); at most " + MAX_RETENTION_MS + " ms (1 day): the state keeps"
                            + " every raw sample of that window per series");
                }
            }
        }
        if (!parsed.isEmpty() && !readsMetric) {
            problems.add("expr: the expression reads no metric; an EXPR rule is evaluated at the collection instants of the"
                    + " metrics its selectors name");
        }
    }

    private static Expr parse(String at, String text, List<String> problems) {
        if (text == null || text.isBlank()) {
            problems.add(at + ": empty expression");
            return null;
        }
        try {
            return ExprParser.parse(text);
        } catch (ExprSyntaxException e) {
            problems.add(at + ": " + e.getMessage());
            return null;
        } catch (RuntimeException e) {
            problems.add(at + ": " + e.getMessage());
            return null;
        }
    }
}
