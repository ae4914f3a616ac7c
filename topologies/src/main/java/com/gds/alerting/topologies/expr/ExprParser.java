package com.gds.alerting.topologies.expr;

import com.gds.alerting.config.DidYouMean;
import com.gds.alerting.topologies.expr.Expr.AggregationOp;
import com.gds.alerting.topologies.expr.Expr.BinaryOp;
import com.gds.alerting.topologies.expr.Expr.VectorMatching;
import com.gds.alerting.topologies.expr.Expr.VectorMatching.Cardinality;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Lexer;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Parses a PromQL expression (the alerting subset, see topologies/README.md) into a type-checked
 * {@link Expr}. The grammar is {@code PromQL.g4} (ANTLR 4); this class turns ANTLR's parse tree
 * into the AST and applies PromQL's type rules. Every problem is an {@link ExprSyntaxException}
 * with the line and column inside the expression.
 */
public final class ExprParser {

    private ExprParser() {
    }

    /**
     * Parses an expression whose result is an instant vector or a scalar (what an alerting rule
     * evaluates).
     */
    public static Expr parse(String text) {
        Expr expr = parseAny(text);
        if (expr.type() != ValueType.INSTANT_VECTOR && expr.type() != ValueType.SCALAR) {
            throw error(expr.position(), "an expression must evaluate to an instant vector or a scalar, but this one is "
                    + expr.type().withArticle() + (expr.type() == ValueType.RANGE_VECTOR ? " (wrap it in a function such as rate(…))" : ""));
        }
        return expr;
    }

    /** Parses an expression of any type (range vectors included). */
    public static Expr parseAny(String text) {
        PromQLLexer lexer = new PromQLLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        lexer.addErrorListener(ThrowingListener.INSTANCE);
        PromQLParser parser = new PromQLParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(ThrowingListener.INSTANCE);
        return new AstBuilder().visit(parser.expression().expr());
    }

    static ExprSyntaxException error(Position p, String problem) {
        return new ExprSyntaxException(p.line(), p.column(), problem);
    }

    static Position pos(Token t) {
        return new Position(t.getLine(), t.getCharPositionInLine() + 1);
    }

    /** Turns ANTLR's messages into "found X, expected Y" in words. */
    private static final class ThrowingListener extends BaseErrorListener {
        static final ThrowingListener INSTANCE = new ThrowingListener();

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int column,
                                String msg, RecognitionException e) {
            if (recognizer instanceof Lexer lexer) {
                String text = lexer.getInputStream().getText(
                        org.antlr.v4.runtime.misc.Interval.of(lexer._tokenStartCharIndex, lexer._tokenStartCharIndex));
                String problem = text.equals("\"") || text.equals("'") || text.equals("`")
                        ? "a string opened here is never closed"
                        : "unexpected character " + printable(text);
                throw new ExprSyntaxException(line, column + 1, problem);
            }
            Token token = (Token) offendingSymbol;
            IntervalSet expected = e != null && e.getExpectedTokens() != null
                    ? e.getExpectedTokens() : ((Parser) recognizer).getExpectedTokens();
            throw new ExprSyntaxException(line, column + 1,
                    "unexpected " + describe(token) + "; expected " + describeExpected(expected));
        }

        private static String printable(String s) {
            return s.isBlank() ? "(whitespace)" : "'" + s + "'";
        }

        private static String describe(Token token) {
            if (token.getType() == Token.EOF) {
                return "end of expression";
            }
            return switch (token.getType()) {
                case PromQLLexer.NUMBER -> "number " + token.getText();
                case PromQLLexer.DURATION -> "duration " + token.getText();
                case PromQLLexer.STRING -> "string " + token.getText();
                case PromQLLexer.IDENTIFIER -> "name '" + token.getText() + "'";
                default -> "'" + token.getText() + "'";
            };
        }

        private static String describeExpected(IntervalSet expected) {
            Set<String> words = new LinkedHashSet<>();
            boolean identifier = expected.contains(PromQLLexer.IDENTIFIER);
            for (int type : expected.toList()) {
                if (identifier && type >= PromQLLexer.AND && type <= PromQLLexer.STDDEV) {
                    // Keywords are accepted where a label name is (by (sum)), but listing them all
                    // would bury the expectation that matters.
                    if (type >= PromQLLexer.SUM) {
                        words.add("an aggregation such as sum");
                    }
                    continue;
                }
                words.add(switch (type) {
                    case Token.EOF -> "end of expression";
                    case PromQLLexer.IDENTIFIER -> "a name (metric, function or label)";
                    case PromQLLexer.NUMBER -> "a number";
                    case PromQLLexer.STRING -> "a quoted string";
                    case PromQLLexer.DURATION -> "a duration such as 5m";
                    default -> {
                        String literal = PromQLLexer.VOCABULARY.getLiteralName(type);
                        yield literal != null ? literal : PromQLLexer.VOCABULARY.getDisplayName(type).toLowerCase(Locale.ROOT);
                    }
                });
            }
            if (words.isEmpty()) {
                return "something else";
            }
            List<String> list = new ArrayList<>(words);
            return list.size() == 1 ? list.get(0) : "one of: " + String.join(", ", list);
        }
    }

    /** Builds and type-checks the AST, bottom-up. */
    private static final class AstBuilder extends PromQLBaseVisitor<Expr> {

        @Override
        public Expr visitParens(PromQLParser.ParensContext ctx) {
            return new Expr.Paren(visit(ctx.expr()), pos(ctx.start));
        }

        @Override
        public Expr visitNumber(PromQLParser.NumberContext ctx) {
            return new Expr.NumberLiteral(parseNumber(ctx.NUMBER().getText()), pos(ctx.start));
        }

        @Override
        public Expr visitString(PromQLParser.StringContext ctx) {
            return new Expr.StringLiteral(unquote(ctx.STRING().getText()), pos(ctx.start));
        }

        @Override
        public Expr visitUnary(PromQLParser.UnaryContext ctx) {
            Expr operand = visit(ctx.expr());
            boolean negate = ctx.op.getType() == PromQLLexer.SUB;
            if (operand instanceof Expr.NumberLiteral n) {
                // As Prometheus' parser: a signed number literal is a number.
                return new Expr.NumberLiteral(negate ? -n.value() : n.value(), pos(ctx.start));
            }
            if (operand.type() != ValueType.SCALAR && operand.type() != ValueType.INSTANT_VECTOR) {
                throw error(operand.position(), "unary " + ctx.op.getText() + " needs a scalar or an instant vector, found "
                        + operand.type().withArticle());
            }
            return new Expr.Unary(negate, operand, pos(ctx.start));
        }

        @Override
        public Expr visitBinary(PromQLParser.BinaryContext ctx) {
            Expr lhs = visit(ctx.expr(0));
            Expr rhs = visit(ctx.expr(1));
            BinaryOp op = binaryOp(ctx.op);
            Position at = pos(ctx.op);
            for (Expr side : List.of(lhs, rhs)) {
                if (side.type() != ValueType.SCALAR && side.type() != ValueType.INSTANT_VECTOR) {
                    throw error(side.position(), "operator " + op.text() + " needs a scalar or an instant vector on each side, found "
                            + side.type().withArticle() + (side.type() == ValueType.RANGE_VECTOR ? " (wrap it in a function such as rate(…))" : ""));
                }
            }
            boolean bothVectors = lhs.type() == ValueType.INSTANT_VECTOR && rhs.type() == ValueType.INSTANT_VECTOR;
            PromQLParser.BinModifiersContext mods = ctx.binModifiers();
            boolean returnBool = mods.BOOL() != null;
            if (returnBool && !op.isComparison()) {
                throw error(pos(mods.BOOL().getSymbol()), "bool is only allowed after a comparison operator (== != > < >= <=)");
            }
            if (op.isComparison() && !returnBool && lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR) {
                throw error(at, "a comparison between two scalars must use bool (e.g. 1 > bool 0)");
            }
            if (op.isSetOperator() && !bothVectors) {
                Expr scalarSide = lhs.type() == ValueType.SCALAR ? lhs : rhs;
                throw error(scalarSide.position(), "operator " + op.text() + " needs an instant vector on both sides, found a scalar");
            }
            VectorMatching matching = op.isSetOperator()
                    ? new VectorMatching(Cardinality.MANY_TO_MANY, List.of(), false, List.of())
                    : VectorMatching.DEFAULT;
            if (mods.matching() != null) {
                if (!bothVectors) {
                    throw error(pos(mods.matching().start), "on/ignoring is only allowed between two instant vectors");
                }
                boolean on = mods.matching().ON() != null;
                List<String> labels = labelList(mods.matching().labelList());
                Cardinality card = op.isSetOperator() ? Cardinality.MANY_TO_MANY : Cardinality.ONE_TO_ONE;
                List<String> include = List.of();
                if (mods.grouping() != null) {
                    if (op.isSetOperator()) {
                        throw error(pos(mods.grouping().start), "group_left/group_right is not allowed with " + op.text());
                    }
                    card = mods.grouping().GROUP_LEFT() != null ? Cardinality.MANY_TO_ONE : Cardinality.ONE_TO_MANY;
                    if (mods.grouping().labelList() == null && ctx.expr(1).start.getType() == PromQLLexer.LEFT_PAREN) {
                        // PromQL's grammar reads a "(" right after group_x as its label list, so
                        // "group_left (sum …)" is an error there; say so instead of reading it
                        // differently from Prometheus.
                        throw error(pos(ctx.expr(1).start), "a \"(\" right after " + mods.grouping().start.getText()
                                + " opens its label list; write " + mods.grouping().start.getText()
                                + "() (…) to add no labels");
                    }
                    include = mods.grouping().labelList() == null ? List.of() : labelList(mods.grouping().labelList());
                    if (on) {
                        for (String l : include) {
                            if (labels.contains(l)) {
                                throw error(pos(mods.grouping().start), "label " + l + " must not be both in on(…) and in "
                                        + mods.grouping().start.getText() + "(…)");
                            }
                        }
                    }
                }
                matching = new VectorMatching(card, labels, on, include);
            }
            return new Expr.Binary(op, lhs, rhs, returnBool, matching, at);
        }

        @Override
        public Expr visitSelect(PromQLParser.SelectContext ctx) {
            PromQLParser.SelectorContext s = ctx.selector();
            String name = s.IDENTIFIER().getText();
            Position at = pos(s.start);
            List<LabelMatcher> matchers = new ArrayList<>();
            if (s.labelMatchers() != null) {
                for (PromQLParser.LabelMatcherContext m : s.labelMatchers().labelMatcher()) {
                    String label = m.labelName().getText();
                    if (label.equals(Labels.METRIC_NAME)) {
                        throw error(pos(m.start), "the metric name goes before the braces, not in a " + Labels.METRIC_NAME + " matcher");
                    }
                    LabelMatcher.Op op = switch (m.op.getType()) {
                        case PromQLLexer.EQ -> LabelMatcher.Op.EQUAL;
                        case PromQLLexer.NEQ -> LabelMatcher.Op.NOT_EQUAL;
                        case PromQLLexer.RE -> LabelMatcher.Op.REGEX;
                        default -> LabelMatcher.Op.NOT_REGEX;
                    };
                    try {
                        matchers.add(new LabelMatcher(label, op, unquote(m.STRING().getText())));
                    } catch (PatternSyntaxException e) {
                        throw error(pos(m.STRING().getSymbol()), "invalid regular expression: " + e.getDescription());
                    }
                }
            }
            long offset = 0;
            if (s.offset() != null) {
                offset = duration(s.offset().DURATION());
                if (s.offset().SUB() != null) {
                    offset = -offset;
                }
            }
            Expr.VectorSelector vs = new Expr.VectorSelector(name, List.copyOf(matchers), offset, at);
            if (s.range() == null) {
                return vs;
            }
            long range = duration(s.range().DURATION());
            if (range <= 0) {
                throw error(pos(s.range().DURATION().getSymbol()), "a range must be longer than 0");
            }
            return new Expr.MatrixSelector(vs, range, at);
        }

        @Override
        public Expr visitCall(PromQLParser.CallContext ctx) {
            PromQLParser.FunctionCallContext c = ctx.functionCall();
            String name = c.IDENTIFIER().getText();
            Position at = pos(c.start);
            Function f = Function.byName(name).orElseThrow(() -> error(at, "unknown function " + name
                    + suggestion(name)));
            List<Expr> args = new ArrayList<>();
            for (PromQLParser.ExprContext e : c.expr()) {
                args.add(visit(e));
            }
            int max = f.argTypes().size();
            if (args.size() < f.minArgs() || args.size() > max) {
                String want = f.minArgs() == max ? String.valueOf(max) : f.minArgs() + " to " + max;
                throw error(at, name + "() takes " + want + " argument" + (max == 1 && f.minArgs() == max ? "" : "s")
                        + ", found " + args.size());
            }
            for (int i = 0; i < args.size(); i++) {
                ValueType want = f.argTypes().get(i);
                Expr arg = args.get(i);
                if (arg.type() != want) {
                    throw error(arg.position(), "argument " + (i + 1) + " of " + name + "() must be " + want.withArticle()
                            + (want == ValueType.RANGE_VECTOR ? " such as metric[5m]" : "") + ", found " + arg.type().withArticle());
                }
            }
            return new Expr.Call(f, List.copyOf(args), at);
        }

        @Override
        public Expr visitAggregate(PromQLParser.AggregateContext ctx) {
            PromQLParser.AggregationContext a = ctx.aggregation();
            AggregationOp op = AggregationOp.valueOf(a.aggregationOp().getText().toUpperCase(Locale.ROOT));
            Position at = pos(a.start);
            List<PromQLParser.ExprContext> exprs = a.aggregationArgs().expr();
            Expr param = null;
            Expr operand;
            if (op.takesParameter()) {
                if (exprs.size() != 2) {
                    throw error(at, a.aggregationOp().getText() + "(…) takes a parameter and a vector, e.g. "
                            + a.aggregationOp().getText() + (op == AggregationOp.QUANTILE ? "(0.9, metric)" : "(3, metric)"));
                }
                param = visit(exprs.get(0));
                if (param.type() != ValueType.SCALAR) {
                    throw error(param.position(), "the parameter of " + a.aggregationOp().getText() + " must be a scalar, found "
                            + param.type().withArticle());
                }
                operand = visit(exprs.get(1));
            } else {
                if (exprs.size() != 1) {
                    throw error(pos(exprs.get(1).start), a.aggregationOp().getText() + "(…) takes no parameter, only a vector");
                }
                operand = visit(exprs.get(0));
            }
            if (operand.type() != ValueType.INSTANT_VECTOR) {
                throw error(operand.position(), a.aggregationOp().getText() + "(…) aggregates an instant vector, found "
                        + operand.type().withArticle());
            }
            List<String> grouping = List.of();
            boolean without = false;
            if (a.aggregationClause() != null) {
                without = a.aggregationClause().WITHOUT() != null;
                grouping = labelList(a.aggregationClause().labelList());
            }
            return new Expr.Aggregate(op, param, operand, grouping, without, at);
        }

        private static List<String> labelList(PromQLParser.LabelListContext ctx) {
            List<String> out = new ArrayList<>();
            for (PromQLParser.LabelNameContext n : ctx.labelName()) {
                out.add(n.getText());
            }
            return List.copyOf(out);
        }

        private static BinaryOp binaryOp(Token t) {
            return switch (t.getType()) {
                case PromQLLexer.ADD -> BinaryOp.ADD;
                case PromQLLexer.SUB -> BinaryOp.SUB;
                case PromQLLexer.MUL -> BinaryOp.MUL;
                case PromQLLexer.DIV -> BinaryOp.DIV;
                case PromQLLexer.MOD -> BinaryOp.MOD;
                case PromQLLexer.POW -> BinaryOp.POW;
                case PromQLLexer.EQLC -> BinaryOp.EQL;
                case PromQLLexer.NEQ -> BinaryOp.NEQ;
                case PromQLLexer.GTR -> BinaryOp.GTR;
                case PromQLLexer.LSS -> BinaryOp.LSS;
                case PromQLLexer.GTE -> BinaryOp.GTE;
                case PromQLLexer.LTE -> BinaryOp.LTE;
                case PromQLLexer.AND -> BinaryOp.AND;
                case PromQLLexer.OR -> BinaryOp.OR;
                default -> BinaryOp.UNLESS;
            };
        }
    }

    static String suggestion(String name) {
        String best = DidYouMean.closest(name, Function.names());
        return best == null ? "" : "; did you mean " + best + "?";
    }

    static double parseNumber(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (t.equals("nan")) {
            return Double.NaN;
        }
        if (t.startsWith("0x")) {
            return Long.parseLong(t.substring(2), 16);
        }
        return Double.parseDouble(t);
    }

    /** A duration token ({@code 1h30m}, {@code 500ms}) in milliseconds. */
    static long duration(TerminalNode node) {
        String text = node.getText();
        long total = 0;
        int i = 0;
        while (i < text.length()) {
            int start = i;
            while (Character.isDigit(text.charAt(i))) {
                i++;
            }
            long n = Long.parseLong(text.substring(start, i));
            long unit;
            if (text.startsWith("ms", i)) {
                unit = 1;
                i += 2;
            } else {
                unit = switch (text.charAt(i)) {
                    case 's' -> 1_000L;
                    case 'm' -> 60_000L;
                    case 'h' -> 3_600_000L;
                    case 'd' -> 86_400_000L;
                    case 'w' -> 7 * 86_400_000L;
                    default -> 365 * 86_400_000L;
                };
                i++;
            }
            total += n * unit;
        }
        return total;
    }

    static String unquote(String quoted) {
        char q = quoted.charAt(0);
        String body = quoted.substring(1, quoted.length() - 1);
        if (q == '`') {
            return body;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char n = body.charAt(++i);
            b.append(switch (n) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                default -> n;
            });
        }
        return b.toString();
    }
}
