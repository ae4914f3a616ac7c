package com.gds.alerting.service.query;

/** The state an answer needs is moving (rebalance, restore): try again shortly (HTTP 503 + Retry-After). */
public class StateMigratingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StateMigratingException(String message, Throwable cause) {
        super(message, cause);
    }
}
