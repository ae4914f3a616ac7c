package com.gds.alerting.rulescli.rules;

import com.gds.alerting.avro.ExprLevel;
import com.gds.alerting.avro.ExprSpec;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.config.DidYouMean;
import com.gds.alerting.rulescli.yaml.Diagnostics;
import com.gds.alerting.rulescli.yaml.Location;
import com.gds.alerting.rulescli.yaml.YamlMap;
import com.gds.alerting.topologies.expr.Expr;
import com.gds.alerting.topologies.expr.ExprParser;
import com.gds.alerting.topologies.expr.ExprSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The {@code expr:} field of a rule (issue 18): either one PromQL expression whose value the rule's
 * {@code severities} judge, or a mapping of severity to expression (a filtering expression, whose
 * result series breach that severity), optionally with a {@code recovery} expression per severity:
 *
 * <pre>
 * expr: rate(xact_rollback[5m]) / rate(xact_commit[5m])      # + severities: {warning: "&gt; 0.05"}
 * expr:
 *   warning: connections &gt; max_connections * 0.8
 *   critical: {expr: connections &gt; max_connections * 0.95, recovery: connections &gt; max_connections * 0.9}
 * </pre>
 *
 * Each expression is parsed and type-checked by the topology's {@link ExprParser}, and a problem is
 * reported at its place in the YAML file — the expression's line and column mapped through the
 * scalar's style (plain, quoted, literal {@code |} or folded {@code >}). A metric name that no
 * collector publishes is a warning with the closest name that one does.
 */
final class ExprField {

    static final String KEY = "expr";
    static final Set<String> LEVEL_KEYS = new LinkedHashSet<>(List.of("expr", "recovery"));

    private ExprField() {
    }

    /**
     * The expr spec of the rule, or {@code null} when it has no {@code expr} or it does not parse
     * (reported); {@code paths} gets where each part was written, {@code fileLines} is the file's
     * text (for block scalars), {@code databaseType} the type the rule is matched to (null: any).
     */
    static ExprSpec parse(YamlMap map, List<String> fileLines, Diagnostics d, Map<String, Location> paths,
                          String databaseType) {
        if (!map.has(KEY)) {
            return null;
        }
        paths.put("expr", map.at(KEY));
        Node node = map.node(KEY);
        if (node instanceof ScalarNode scalar) {
            paths.put("expr.expression", map.at(KEY));
            return check(map.file(), scalar, fileLines, d, databaseType)
                    ? new ExprSpec(scalar.getValue(), List.of()) : null;
        }
        if (!(node instanceof MappingNode)) {
            d.error(map.at(KEY), "'expr' must be a PromQL expression, or a mapping of severity to expression"
                    + " (e.g. critical: up == 0)");
            return null;
        }
        boolean ok = true;
        List<ExprLevel> levels = new ArrayList<>();
        for (NodeTuple t : map.tuples(KEY)) {
            String sevText = map.scalar(t.getKeyNode(), KEY);
            Location sevAt = Location.of(map.file(), t.getKeyNode());
            String p = "expr.levels[" + levels.size() + "]";
            paths.put(p, sevAt);
            paths.put(p + ".severity", sevAt);
            Severity severity = null;
            try {
                severity = sevText == null ? null : Severity.valueOf(sevText.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                d.error(sevAt, "unknown severity '" + sevText + "'; one of critical, high, warning, info");
            }
            Node value = t.getValueNode();
            ScalarNode expression;
            ScalarNode recovery = null;
            if (value instanceof ScalarNode s) {
                expression = s;
            } else {
                YamlMap level = map.child(value, "severity '" + sevText + "' of expr", LEVEL_KEYS);
                if (level == null) {
                    ok = false;
                    continue;
                }
                if (!(level.node("expr") instanceof ScalarNode e)) {
                    d.error(level.location(), "severity '" + sevText + "' of expr needs 'expr: <PromQL expression>'");
                    ok = false;
                    continue;
                }
                expression = e;
                if (level.has("recovery")) {
                    if (level.node("recovery") instanceof ScalarNode r) {
                        recovery = r;
                        paths.put(p + ".recovery_expression", level.at("recovery"));
                    } else {
                        d.error(level.at("recovery"), "'recovery' must be a PromQL expression");
                        ok = false;
                    }
                }
            }
            paths.put(p + ".expression", Location.of(map.file(), expression));
            boolean parsed = check(map.file(), expression, fileLines, d, databaseType);
            if (recovery != null) {
                parsed &= check(map.file(), recovery, fileLines, d, databaseType);
            }
            if (!parsed || severity == null) {
                ok = false;
                continue;
            }
            levels.add(new ExprLevel(severity, expression.getValue(), recovery == null ? null : recovery.getValue()));
        }
        if (levels.isEmpty() && ok) {
            d.error(map.at(KEY), "'expr' lists no severity; give one expression per severity (e.g. critical: up == 0)");
        }
        return ok && !levels.isEmpty() ? new ExprSpec(null, levels) : null;
    }

    /**
     * Parses one expression; reports a syntax error at its place in the file, and warns about each
     * metric name no collector (of {@code databaseType}) publishes. Returns whether it parsed.
     */
    private static boolean check(String file, ScalarNode scalar, List<String> fileLines, Diagnostics d, String databaseType) {
        Expr expr;
        try {
            expr = ExprParser.parse(scalar.getValue());
        } catch (ExprSyntaxException e) {
            d.error(locate(file, scalar, fileLines, e.line(), e.column()), "expr: " + e.problem());
            return false;
        }
        Set<String> known = CollectorMetrics.names(databaseType);
        for (Expr.VectorSelector selector : selectors(expr, new ArrayList<>())) {
            String name = selector.metricName();
            if (!known.contains(name)) {
                String closest = DidYouMean.closest(name, known);
                d.warning(locate(file, scalar, fileLines, selector.position().line(), selector.position().column()),
                        "expr: no collector" + (databaseType == null ? "" : " of " + databaseType) + " publishes a metric '"
                                + name + "'" + (closest == null ? "" : "; did you mean '" + closest + "'?")
                                + " (an expression over a metric nobody sends never has a result)");
            }
        }
        return true;
    }

    private static List<Expr.VectorSelector> selectors(Expr e, List<Expr.VectorSelector> out) {
        if (e instanceof Expr.VectorSelector vs) {
            out.add(vs);
        } else if (e instanceof Expr.MatrixSelector ms) {
            out.add(ms.selector());
        } else if (e instanceof Expr.Paren p) {
            selectors(p.inner(), out);
        } else if (e instanceof Expr.Unary u) {
            selectors(u.operand(), out);
        } else if (e instanceof Expr.Call c) {
            c.args().forEach(a -> selectors(a, out));
        } else if (e instanceof Expr.Aggregate a) {
            if (a.param() != null) {
                selectors(a.param(), out);
            }
            selectors(a.operand(), out);
        } else if (e instanceof Expr.Binary b) {
            selectors(b.lhs(), out);
            selectors(b.rhs(), out);
        }
        return out;
    }

    /** Where line:column of a scalar's value is in the file (1-based). */
    static Location locate(String file, ScalarNode scalar, List<String> fileLines, int exprLine, int exprColumn) {
        int startLine = scalar.getStartMark().getLine();       // 0-based
        int startColumn = scalar.getStartMark().getColumn();   // 0-based
        DumperOptions.ScalarStyle style = scalar.getScalarStyle();
        boolean singleLine = scalar.getEndMark().getLine() == startLine;
        if (fileLines.isEmpty() && !singleLine) {
            // The file could not be read again: the scalar's start is the best place we know.
            return new Location(file, startLine + 1, startColumn + 1);
        }
        if (style == DumperOptions.ScalarStyle.LITERAL) {
            // The mark is on the "|" header; the content starts on the next line, and the block's
            // indentation is that of its first line (deeper lines keep their extra spaces).
            int fileLine = startLine + exprLine;                 // 0-based
            return new Location(file, fileLine + 1, indentation(fileLines, startLine + 1) + exprColumn);
        }
        boolean quoted = style == DumperOptions.ScalarStyle.DOUBLE_QUOTED || style == DumperOptions.ScalarStyle.SINGLE_QUOTED;
        boolean folded = style == DumperOptions.ScalarStyle.FOLDED;
        if (!folded && singleLine) {
            return new Location(file, startLine + 1, startColumn + (quoted ? 1 : 0) + exprColumn);
        }
        // Folded (">") or a multi-line plain/quoted scalar: YAML joined the lines with spaces, so
        // walk the source lines to find the one the column falls on.
        int line = folded ? startLine + 1 : startLine;
        int firstColumn = folded ? indentation(fileLines, line) : startColumn + (quoted ? 1 : 0);
        int remaining = exprColumn;
        while (line < fileLines.size()) {
            String text = fileLines.get(line);
            int from = line == (folded ? startLine + 1 : startLine) ? firstColumn : indentation(fileLines, line);
            int length = Math.max(0, text.stripTrailing().length() - from);
            if (remaining <= length + 1) {
                return new Location(file, line + 1, from + remaining);
            }
            remaining -= length + 1;
            line++;
        }
        return new Location(file, startLine + 1, startColumn + 1);
    }

    private static int indentation(List<String> lines, int line) {
        if (line < 0 || line >= lines.size()) {
            return 0;
        }
        String text = lines.get(line);
        int i = 0;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
