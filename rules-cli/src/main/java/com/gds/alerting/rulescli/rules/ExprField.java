package com.gds.alerting.rulescli.rules;

import com.gds.alerting.rulescli.yaml.Diagnostics;
import com.gds.alerting.rulescli.yaml.Location;
import com.gds.alerting.rulescli.yaml.YamlMap;
import com.gds.alerting.topologies.expr.ExprParser;
import com.gds.alerting.topologies.expr.ExprSyntaxException;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The {@code expr:} field of a rule (issue 18): the PromQL expression is parsed and type-checked
 * by the topology's {@link ExprParser}, and a problem is reported at its place in the YAML file —
 * the expression's line and column mapped through the scalar's style (plain, quoted, literal
 * {@code |} or folded {@code >}).
 *
 * <p>The topology does not evaluate expression rules yet, and the rule record has no field for
 * one: a rule with {@code expr:} is therefore always an error, so that {@code publish} can never
 * send it as a rule that silently lacks its condition.
 */
final class ExprField {

    static final String KEY = "expr";

    private ExprField() {
    }

    /** Checks {@code expr} when the rule has one; {@code fileLines} is the file's text, for block scalars. */
    static void check(YamlMap map, List<String> fileLines, Diagnostics d) {
        if (!map.has(KEY)) {
            return;
        }
        Node node = map.node(KEY);
        if (!(node instanceof ScalarNode scalar)) {
            d.error(map.at(KEY), "'expr' must be a string holding a PromQL expression");
            return;
        }
        try {
            ExprParser.parse(scalar.getValue());
        } catch (ExprSyntaxException e) {
            d.error(locate(map.file(), scalar, fileLines, e.line(), e.column()), "expr: " + e.problem());
            return;
        }
        d.error(map.at(KEY), "expr: the expression is valid, but expression rules are not evaluated by the topology"
                + " yet (issue 18), so this rule cannot be published");
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
