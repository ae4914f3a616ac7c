package com.gds.alerting.rulescli.importer;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.gds.alerting.config.DidYouMean;
import com.gds.alerting.rulescli.rules.CollectorMetrics;
import com.gds.alerting.rulescli.rules.SeriesTagCatalog;
import com.gds.alerting.topologies.expr.Expr;
import com.gds.alerting.topologies.expr.ExprParser;
import com.gds.alerting.topologies.expr.ExprSyntaxException;
import com.gds.alerting.topologies.expr.Function;
import com.gds.alerting.topologies.expr.LabelMatcher;

/**
 * One Prometheus alerting rule to one rule of this project, when it maps onto a rule kind the
 * topology evaluates today with the same meaning; otherwise the reason it does not. Translated:
 * {@code selector OP number} (either way round) as a threshold rule, with {@code by} the metric's
 * identity tags so each series keeps its own alert, as in Prometheus.
 */
final class RuleTranslator {

    static final String NEEDS_EXPR = "needs an expr rule (the importer translates a selector against a number; it does not yet rewrite the exporter's metric names inside an expression: write the expr rule by hand)";

    private static final Pattern DURATION = Pattern.compile("(\\d+(ms|s|m|h|d|w))+");
    private static final Map<String, String> SEVERITIES = Map.ofEntries(
            Map.entry("critical", "critical"), Map.entry("page", "critical"), Map.entry("fatal", "critical"),
            Map.entry("high", "high"), Map.entry("error", "high"), Map.entry("major", "high"),
            Map.entry("warning", "warning"), Map.entry("warn", "warning"), Map.entry("minor", "warning"),
            Map.entry("info", "info"), Map.entry("information", "info"), Map.entry("informational", "info"),
            Map.entry("notice", "info"), Map.entry("none", "info"));
    /** Prometheus' target labels: they name the scrape target, which instance_id names here with other values. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    enum Status { TRANSLATED, TRANSLATED_WITH_NOTES, NOT_TRANSLATED }

    /** What became of one rule: the rule as YAML fields (null when not translated), notes or the reason. */
    record Outcome(PromRuleFile.PromRule source, Status status, String id, Map<String, Object> rule,
                   List<String> notes, String reason) {
    }

    private final MetricMap map;

    RuleTranslator(MetricMap map) {
        this.map = map;
    }

    Outcome translate(PromRuleFile.PromRule prom, String id) {
        if (prom.alert() == null) {
            return refused(prom, "recording rule (record: " + prom.record() + "): recording rules are not translated;"
                    + " rules over its output need an expr rule over the collectors' raw metrics");
        }
        Expr expr;
        try {
            expr = ExprParser.parse(prom.expr());
        } catch (ExprSyntaxException e) {
            return refused(prom, "expr does not parse: " + e.getMessage());
        } catch (RuntimeException e) {
            return refused(prom, "expr does not parse: " + e);
        }
        expr = unwrap(expr);
        if (expr instanceof Expr.Call call && (call.function() == Function.ABSENT || call.function() == Function.ABSENT_OVER_TIME)) {
            return refused(prom, call.function().name().toLowerCase(Locale.ROOT) + "() fires when no series of the whole"
                    + " selector exists (including one never seen); an absence rule here fires per instance, and only for"
                    + " an instance it has seen before: different alerts, so not translated (write an absence rule:"
                    + " README, Rule files)");
        }
        if (!(expr instanceof Expr.Binary bin) || !comparison(bin.op()) || bin.returnBool()) {
            return refused(prom, NEEDS_EXPR);
        }
        Expr lhs = unwrap(bin.lhs());
        Expr rhs = unwrap(bin.rhs());
        String op = bin.op().text();
        Expr.VectorSelector selector;
        Double number;
        if (lhs instanceof Expr.VectorSelector s && number(rhs) != null) {
            selector = s;
            number = number(rhs);
        } else if (rhs instanceof Expr.VectorSelector s && number(lhs) != null) {
            selector = s;
            number = number(lhs);
            op = flipped(op);
        } else {
            return refused(prom, NEEDS_EXPR);
        }
        if (selector.metricName() == null || selector.metricName().isEmpty()) {
            return refused(prom, NEEDS_EXPR + " (a selector without a metric name)");
        }
        if (selector.offsetMs() != 0) {
            return refused(prom, NEEDS_EXPR + " (offset)");
        }
        return threshold(prom, id, selector, op, number);
    }

    private Outcome threshold(PromRuleFile.PromRule prom, String id, Expr.VectorSelector selector, String op, double number) {
        List<String> notes = new ArrayList<>();
        String exporterMetric = selector.metricName();
        if (map.notMapped().containsKey(exporterMetric)) {
            return refused(prom, exporterMetric + " is not mapped: " + map.notMapped().get(exporterMetric) + " (" + map.source() + ")");
        }
        List<LabelMatcher> matchers = new ArrayList<>(selector.matchers());
        String metric = exporterMetric;
        double scale = 1;
        List<MetricMap.Mapping> candidates = map.metrics().stream().filter(m -> m.from().equals(exporterMetric)).toList();
        if (!candidates.isEmpty()) {
            MetricMap.Mapping chosen = candidates.stream().filter(m -> pins(matchers, m.where())).findFirst().orElse(null);
            if (chosen == null) {
                return refused(prom, exporterMetric + " maps only with " + candidates.stream().map(m -> m.where().toString()).toList()
                        + " pinned by '=' matchers (" + map.source() + ")");
            }
            matchers.removeIf(m -> m.op() == LabelMatcher.Op.EQUAL && m.value().equals(chosen.where().get(m.name())));
            metric = chosen.to();
            scale = chosen.scale();
            if (chosen.note() != null) {
                notes.add(exporterMetric + " -> " + metric + ": " + chosen.note());
            }
        }
        String databaseType = map.databaseType();
        Set<String> known = CollectorMetrics.names(databaseType);
        if (!known.contains(metric)) {
            String close = DidYouMean.closest(metric, known);
            String mapped = map.isNone() ? null
                    : DidYouMean.closest(metric, map.metrics().stream().map(MetricMap.Mapping::from).toList());
            if (close == null && mapped != null) {
                close = mapped + " (which " + map.source() + " maps)";
            }
            return refused(prom, "unknown metric " + metric + (map.isNone() ? "" : " (not in " + map.source() + ")")
                    + ": no collector" + (databaseType == null ? "" : " of " + databaseType) + " publishes it"
                    + (close == null ? "" : "; did you mean " + close + "?"));
        }
        List<String> match = new ArrayList<>();
        if (databaseType != null) {
            match.add("database_type = " + databaseType);
        }
        Set<String> pinned = new LinkedHashSet<>();
        for (LabelMatcher m : matchers) {
            if (TARGET_LABELS.contains(m.name())) {
                return refused(prom, "matcher " + m.name() + m.op().text() + "\"" + m.value() + "\": Prometheus' target label "
                        + m.name() + " has no counterpart (instance_id names an instance with other values); remove the"
                        + " matcher or match instance_id");
            }
            String label = map.label(m.name());
            if (label.equals("database_type") && m.op() == LabelMatcher.Op.EQUAL && m.value().equals(databaseType)) {
                continue;
            }
            if ((m.op() == LabelMatcher.Op.EQUAL || m.op() == LabelMatcher.Op.REGEX) && !tagsOf(metric, databaseType).contains(label)) {
                notes.add("matcher on " + label + ": not a tag the collector gives " + metric + "; unless it is one of the"
                        + " target's tags (collectors.yaml), the rule matches no series");
            }
            if (m.op() == LabelMatcher.Op.EQUAL) {
                pinned.add(label);
            }
            match.add(label + " " + m.op().text() + " \"" + m.value() + "\"");
        }
        List<String> by = new ArrayList<>();
        for (SeriesTagCatalog.Entry e : SeriesTagCatalog.entries()) {
            if (e.metric().equals(metric) && (databaseType == null || databaseType.equals(e.databaseType()))) {
                e.identity().stream().filter(t -> !pinned.contains(t) && !by.contains(t)).forEach(by::add);
            }
        }
        String when;
        if (metric.equals("up") && op.equals("==") && number == 0) {
            when = "< 1";   // the down rule shape of the packs; up is 0 or 1
        } else {
            double scaled = number * scale;
            when = op + " " + plain(scaled);
            if (scale != 1) {
                notes.add("threshold " + plain(number) + " scaled by " + plain(scale) + " to " + plain(scaled) + " (units of " + metric + ")");
            }
        }
        String severity = severity(prom, notes);
        if (severity == null) {
            return refused(prom, "labels.severity '" + prom.labels().get("severity") + "' is none of " + new java.util.TreeSet<>(SEVERITIES.keySet()));
        }
        for (String[] d : new String[][] {{"for", prom.forDuration()}, {"keep_firing_for", prom.keepFiringFor()}}) {
            if (d[1] != null && !DURATION.matcher(d[1]).matches()) {
                return refused(prom, d[0] + " '" + d[1] + "' is not a duration this project reads (units ms, s, m, h, d, w)");
            }
        }

        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("id", id);
        rule.put("metric", metric);
        rule.put("match", match);
        if (!by.isEmpty()) {
            rule.put("by", by);
        }
        rule.put("severities", Map.of(severity, when));
        if (prom.forDuration() != null && !prom.forDuration().matches("0+[a-z]*")) {
            rule.put("for", prom.forDuration());
        }
        if (prom.keepFiringFor() != null && !prom.keepFiringFor().matches("0+[a-z]*")) {
            rule.put("keep_firing_for", prom.keepFiringFor());
        }
        Set<String> alertLabels = new LinkedHashSet<>(by);
        alertLabels.addAll(pinned);
        java.util.function.Function<String, String> placeholder = promLabel -> {
            if (promLabel.equals("instance")) {
                return "instance_id";
            }
            if (promLabel.equals("alertname")) {
                return "rule_id";
            }
            String label = map.label(promLabel);
            if (TemplateTranslator.PLAIN.contains(label)) {
                return label;
            }
            return alertLabels.contains(label) || prom.labels().containsKey(promLabel) && !promLabel.equals("severity")
                    ? "labels." + label : null;
        };
        for (Map.Entry<String, String> a : prom.annotations().entrySet()) {
            String field = switch (a.getKey()) {
                case "summary", "description" -> a.getKey();
                case "runbook_url", "runbook" -> "runbook";
                default -> null;
            };
            if (field == null) {
                notes.add("annotation " + a.getKey() + " not carried (a rule has summary, description and runbook)");
                continue;
            }
            TemplateTranslator.Result t = TemplateTranslator.translate(field, a.getValue(), placeholder);
            notes.addAll(t.notes());
            rule.put(field, t.text());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        prom.labels().forEach((k, v) -> {
            if (k.equals("severity")) {
                return;
            }
            if (v.contains("{{")) {
                notes.add("label " + k + " not carried: its value is a template (" + v + ")");
            } else {
                labels.put(k, v);
            }
        });
        if (!labels.isEmpty()) {
            rule.put("labels", labels);
        }
        return new Outcome(prom, notes.isEmpty() ? Status.TRANSLATED : Status.TRANSLATED_WITH_NOTES, id, rule, List.copyOf(notes), null);
    }

    /** The tags a collector metric's samples carry for sure: the instance's and the metric's own. */
    private static Set<String> tagsOf(String metric, String databaseType) {
        Set<String> tags = new LinkedHashSet<>(List.of("instance_id", "database_type", "environment"));
        for (SeriesTagCatalog.Entry e : SeriesTagCatalog.entries()) {
            if (e.metric().equals(metric) && (databaseType == null || databaseType.equals(e.databaseType()))) {
                tags.addAll(e.identity());
                tags.addAll(e.attributes());
            }
        }
        return tags;
    }

    private static String severity(PromRuleFile.PromRule prom, List<String> notes) {
        String given = prom.labels().get("severity");
        if (given == null) {
            notes.add("no labels.severity: warning");
            return "warning";
        }
        return SEVERITIES.get(given.toLowerCase(Locale.ROOT));
    }

    private static boolean pins(List<LabelMatcher> matchers, Map<String, String> where) {
        return where.entrySet().stream().allMatch(w -> matchers.stream()
                .anyMatch(m -> m.op() == LabelMatcher.Op.EQUAL && m.name().equals(w.getKey()) && m.value().equals(w.getValue())));
    }

    private static Expr unwrap(Expr e) {
        while (e instanceof Expr.Paren p) {
            e = p.inner();
        }
        return e;
    }

    private static Double number(Expr e) {
        e = unwrap(e);
        if (e instanceof Expr.NumberLiteral n && Double.isFinite(n.value())) {
            return n.value();
        }
        if (e instanceof Expr.Unary u && unwrap(u.operand()) instanceof Expr.NumberLiteral n && Double.isFinite(n.value())) {
            return u.negate() ? -n.value() : n.value();
        }
        return null;
    }

    private static boolean comparison(Expr.BinaryOp op) {
        return switch (op) {
            case EQL, NEQ, GTR, LSS, GTE, LTE -> true;
            default -> false;
        };
    }

    private static String flipped(String op) {
        return switch (op) {
            case ">" -> "<";
            case "<" -> ">";
            case ">=" -> "<=";
            case "<=" -> ">=";
            default -> op;
        };
    }

    /** A number as YAML and the threshold parser read it back exactly, without exponent. */
    static String plain(double d) {
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    private static Outcome refused(PromRuleFile.PromRule prom, String reason) {
        return new Outcome(prom, Status.NOT_TRANSLATED, null, null, List.of(), reason);
    }
}
