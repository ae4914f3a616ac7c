package com.gds.alerting.topologies.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Syntax and type errors point at line:column inside the expression and say what was expected. */
class ExprParserTest {

    static Stream<Arguments> errors() {
        return Stream.of(
            // reason, expression, line, column, words the message must contain
            Arguments.of("unclosed call", "rate(m[5m]", 1, 11, "expected one of: ')'"),
            Arguments.of("a range where a function needs none", "rate(m)", 1, 6, "must be a range vector"),
            Arguments.of("a range vector given to an instant function", "abs(m[5m])", 1, 5, "must be an instant vector"),
            Arguments.of("comparison of scalars without bool", "1 > 2", 1, 3, "must use bool"),
            Arguments.of("bool after arithmetic", "m + bool n", 1, 5, "only allowed after a comparison"),
            Arguments.of("set operator with a scalar", "m and 1", 1, 7, "instant vector on both sides"),
            Arguments.of("unknown function, with a suggestion", "m +\n  ratee(m[5m])", 2, 3, "did you mean rate"),
            Arguments.of("bad regular expression", "m{a=~\"(\"}", 1, 6, "invalid regular expression"),
            Arguments.of("unknown matcher operator", "m{a==\"x\"}", 1, 4, "expected"),
            Arguments.of("top level range vector", "m[5m]", 1, 1, "wrap it in a function"),
            Arguments.of("aggregation parameter missing", "topk(m)", 1, 1, "takes a parameter"),
            Arguments.of("too many arguments", "abs(m, 1)", 1, 1, "takes 1 argument"),
            Arguments.of("label in both on and group_left", "a / on(x) group_left(x) b", 1, 11, "must not be both"),
            Arguments.of("group_left followed by a parenthesis", "a / on(x) group_left (sum(b))", 1, 22, "opens its label list"),
            Arguments.of("stray character", "m $ 1", 1, 3, "unexpected character"),
            Arguments.of("unterminated string", "m{a=\"x}", 1, 5, "never closed"),
            Arguments.of("offset on a function", "rate(m[5m]) offset 1m", 1, 13, "unexpected"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void reportsWhereAndWhat(String reason, String expression, int line, int column, String words) {
        ExprSyntaxException e = assertThrows(ExprSyntaxException.class, () -> ExprParser.parse(expression), reason);
        assertEquals(line + ":" + column, e.line() + ":" + e.column(), reason + ": " + e.getMessage());
        assertTrue(e.problem().contains(words), reason + ": " + e.getMessage());
    }

    @Test
    void readsTheWholeSubset() {
        Expr e = ExprParser.parse("""
                sum by (database) (rate(xact_rollback{database_type="postgresql", environment=~"prod|stag.*"}[5m]))
                  / on(database) group_left()
                sum by (database) (rate(xact_commit{instance_id!="x", database!~"tmp.*"}[5m] offset 1m)) > bool 0.1
                """);
        assertInstanceOf(Expr.Binary.class, e);
        assertEquals(ValueType.INSTANT_VECTOR, e.type());
    }

    @Test
    void keywordsAreCaseInsensitiveAndLabelNamesMayBeKeywords() {
        Expr e = ExprParser.parse("SUM BY (on, by) (m) AND ON(on) n");
        assertEquals(Expr.BinaryOp.AND, ((Expr.Binary) e).op());
    }

    @Test
    void durationsCompose() {
        Expr.MatrixSelector m = (Expr.MatrixSelector) ((Expr.Call) ExprParser.parse("rate(m[1h30m])")).args().get(0);
        assertEquals(90 * 60_000L, m.rangeMs());
    }
}
