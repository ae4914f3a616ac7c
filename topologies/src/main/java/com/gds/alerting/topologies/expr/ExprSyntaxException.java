package com.gds.alerting.topologies.expr;

/**
 * An expression that does not parse or does not type-check. {@link #line()} and
 * {@link #column()} (1-based) point inside the expression; {@link #problem()} says what was found
 * and what was expected, in words a rule author reads.
 */
public class ExprSyntaxException extends RuntimeException {

    private final int line;
    private final int column;
    private final String problem;

    public ExprSyntaxException(int line, int column, String problem) {
        super(line + ":" + column + ": " + problem);
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String problem() {
        return problem;
    }
}
