package com.gds.alerting.service.dispatch;

import java.time.Duration;

import io.micronaut.core.annotation.Nullable;

/**
 * What one delivery attempt came to.
 *
 * @param outcome     delivered, worth retrying, or refused for good
 * @param cause       a short stable code for logs, metrics and dead-letter headers ({@code HTTP_503},
 *                    {@code TIMEOUT}, {@code CONNECTION}, ...)
 * @param status      the HTTP status, or 0 when there was no answer
 * @param body        the answer's body (for the dead-letter headers), possibly empty
 * @param retryAfter  how long the service asked us to wait ({@code Retry-After}), or null
 */
public record NotifyResult(Outcome outcome, String cause, int status, String body, @Nullable Duration retryAfter) {

    /** The three things an attempt can come to. */
    public enum Outcome {
        DELIVERED,
        /** 429, 5xx, timeout, connection refused or reset: try again later. */
        RETRYABLE,
        /** Any other 4xx: the request itself is wrong; retrying cannot help. Dead-lettered. */
        REJECTED
    }

    public static NotifyResult delivered(int status) {
        return new NotifyResult(Outcome.DELIVERED, "HTTP_" + status, status, "", null);
    }

    public static NotifyResult retryable(String cause, int status, String body, @Nullable Duration retryAfter) {
        return new NotifyResult(Outcome.RETRYABLE, cause, status, body, retryAfter);
    }

    public static NotifyResult rejected(int status, String body) {
        return new NotifyResult(Outcome.REJECTED, "HTTP_" + status, status, body, null);
    }

    /** How an HTTP status is treated (docs/contracts.md): 2xx delivered; 429 and 5xx retried; other codes refused. */
    public static Outcome classify(int status) {
        if (status >= 200 && status < 300) {
            return Outcome.DELIVERED;
        }
        if (status == 429 || status >= 500) {
            return Outcome.RETRYABLE;
        }
        return Outcome.REJECTED;
    }
}
