package com.gds.alerting.topologies.expr;

import java.util.List;

/**
 * The abstract syntax tree of a PromQL expression. Built and type-checked by {@link ExprParser};
 * every node knows its {@link ValueType} and where it starts in the text.
 */
public sealed interface Expr {

    ValueType type();

    Position position();

    /** A number: {@code 1}, {@code 0.5}, {@code 1e3}, {@code Inf}, {@code NaN}. */
    record NumberLiteral(double value, Position position) implements Expr {
        public ValueType type() {
            return ValueType.SCALAR;
        }
    }

    /** A string literal; only valid where a function takes a string (none in this subset). */
    record StringLiteral(String value, Position position) implements Expr {
        public ValueType type() {
            return ValueType.STRING;
        }
    }

    /** {@code ( expr )}: kept in the tree because {@code absent} looks through no parentheses. */
    record Paren(Expr inner, Position position) implements Expr {
        public ValueType type() {
            return inner.type();
        }
    }

    /** {@code -expr} or {@code +expr}. */
    record Unary(boolean negate, Expr operand, Position position) implements Expr {
        public ValueType type() {
            return operand.type();
        }
    }

    /** {@code metric{matchers} offset d}: the latest sample of each series within the lookback. */
    record VectorSelector(String metricName, List<LabelMatcher> matchers, long offsetMs, Position position)
            implements Expr {
        public ValueType type() {
            return ValueType.INSTANT_VECTOR;
        }

        /** The matchers including the one on {@code __name__}. */
        public List<LabelMatcher> allMatchers() {
            var all = new java.util.ArrayList<LabelMatcher>();
            all.add(new LabelMatcher(Labels.METRIC_NAME, LabelMatcher.Op.EQUAL, metricName));
            all.addAll(matchers);
            return all;
        }
    }

    /** {@code metric{matchers}[range] offset d}: every sample of each series in the range. */
    record MatrixSelector(VectorSelector selector, long rangeMs, Position position) implements Expr {
        public ValueType type() {
            return ValueType.RANGE_VECTOR;
        }
    }

    /** A function call; {@code function} is the checked signature. */
    record Call(Function function, List<Expr> args, Position position) implements Expr {
        public ValueType type() {
            return function.returnType();
        }
    }

    /** {@code op by|without (labels) (param, expr)}. */
    record Aggregate(AggregationOp op, Expr param, Expr operand, List<String> grouping, boolean without,
                     Position position) implements Expr {
        public ValueType type() {
            return ValueType.INSTANT_VECTOR;
        }
    }

    /** {@code lhs op bool on|ignoring(…) group_left|group_right(…) rhs}. */
    record Binary(BinaryOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching,
                  Position position) implements Expr {
        public ValueType type() {
            return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR
                    ? ValueType.SCALAR : ValueType.INSTANT_VECTOR;
        }
    }

    /** The aggregation operators. */
    enum AggregationOp {
        SUM, AVG, MIN, MAX, COUNT, QUANTILE, TOPK, BOTTOMK, STDDEV;

        boolean takesParameter() {
            return this == QUANTILE || this == TOPK || this == BOTTOMK;
        }
    }

    /** The binary operators, with PromQL's spelling. */
    enum BinaryOp {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"), POW("^"),
        EQL("=="), NEQ("!="), GTR(">"), LSS("<"), GTE(">="), LTE("<="),
        AND("and"), OR("or"), UNLESS("unless");

        private final String text;

        BinaryOp(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        boolean isComparison() {
            return this == EQL || this == NEQ || this == GTR || this == LSS || this == GTE || this == LTE;
        }

        boolean isSetOperator() {
            return this == AND || this == OR || this == UNLESS;
        }
    }

    /** How two vectors' series pair up. {@code card} is ONE_TO_ONE unless group_left/right. */
    record VectorMatching(Cardinality card, List<String> matchingLabels, boolean on, List<String> include) {

        /** Default matching: on all labels but the metric name. */
        static final VectorMatching DEFAULT = new VectorMatching(Cardinality.ONE_TO_ONE, List.of(), false, List.of());

        enum Cardinality { ONE_TO_ONE, MANY_TO_ONE, ONE_TO_MANY, MANY_TO_MANY }
    }
}
