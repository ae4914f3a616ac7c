package com.gds.alerting.service.dispatch;

/**
 * Sends one notification somewhere and says how it went, including whether a failure is worth
 * retrying (Alertmanager's {@code Notifier}: {@code Notify} returns "retry?" with the error).
 * Implementations make one attempt; retries, backoff and the circuit breaker are the caller's.
 * Called from the dispatcher's delivery lanes, never from a stream thread; must be thread-safe.
 */
public interface Notifier {

    /** One attempt to deliver {@code payload}. Never throws for a delivery failure: it is in the result. */
    NotifyResult send(NotificationPayload payload);

    /** A short name for logs and metrics ({@code gds-notification}, {@code log}). */
    String name();
}
