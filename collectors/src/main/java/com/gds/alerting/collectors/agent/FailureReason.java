package com.gds.alerting.collectors.agent;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Locale;

/**
 * Why a cycle got no answer, as the class published in {@code collection_failed{reason}} beside
 * {@code up = 0}: what the on-call needs to tell "the database is down" from "our credentials are
 * wrong" without reading the agent's log.
 */
public enum FailureReason {
    /** The database did not answer in time (query timeout, a cycle abandoned at its interval). */
    TIMEOUT,
    /** Authentication failed: wrong user or password, expired or locked login. Retried with back-off. */
    AUTH,
    /** No connection: refused, unreachable, unknown host, the server shutting down. */
    CONNECT,
    /** Connected, but a query was refused for lack of a privilege. */
    PERMISSION,
    /** Anything else (see the log). */
    ERROR;

    /** The tag value: {@code timeout}, {@code auth}, ... */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Classifies a failure from its exception chain: SQLSTATE classes first, then exception types and driver messages. */
    public static FailureReason classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("28")) {
                    return AUTH;
                }
                if (state.equals("42501")) {
                    return PERMISSION;
                }
                if (state.startsWith("08") || state.equals("57P01") || state.equals("57P03")) {
                    return CONNECT;
                }
                if (state.equals("57014") || state.equals("HYT00") || state.equals("HYT01")) {
                    return TIMEOUT;
                }
            }
            if (t instanceof SQLTimeoutException || t instanceof SocketTimeoutException
                    || t.getClass().getSimpleName().equals("MongoTimeoutException")
                    || t.getClass().getSimpleName().equals("MongoSocketReadTimeoutException")) {
                return TIMEOUT;
            }
            if (t.getClass().getSimpleName().equals("MongoSecurityException")) {
                return AUTH;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t.getClass().getSimpleName().equals("MongoSocketOpenException")) {
                return CONNECT;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            // SQL Server reports a failed login as 18456 without an SQLSTATE class 28 on some paths.
            if (message.contains("login failed") || message.contains("authentication failed")
                    || message.contains("incorrect username or password")) {
                return AUTH;
            }
        }
        return ERROR;
    }
}
