package com.gds.alerting.topologies.expr;

/**
 * An expression that parsed but cannot be evaluated on this data, where Prometheus fails the
 * query too: e.g. many-to-many vector matching, or two result series with the same labels.
 */
public class ExprEvaluationException extends RuntimeException {

    public ExprEvaluationException(String message) {
        super(message);
    }
}
