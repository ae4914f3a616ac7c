package com.gds.alerting.service.dispatch;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.core.annotation.Nullable;

/**
 * The retry and circuit-breaker stage of a delivery (Alertmanager's {@code RetryStage}): one attempt
 * through the {@link CircuitBreaker}, then what comes next — finished (delivered, refused, or given
 * up), or try again after a delay (the circuit's, the service's {@code Retry-After}, or the lane's
 * backoff with jitter). It holds no queue and no thread: {@link DeliveryLanes} runs it and schedules
 * the retries.
 */
final class RetryStage {

    private static final Logger LOG = LoggerFactory.getLogger(RetryStage.class);

    /** What the lane does after an attempt. */
    sealed interface Next permits Finish, Later {
    }

    /** The delivery is over; {@code last} is the last attempt's result. */
    record Finish(DeliveryLanes.End end, NotifyResult last) implements Next {
    }

    /** Attempt again after {@code delay}. */
    record Later(Duration delay) implements Next {
    }

    private final Notifier notifier;
    private final RetryPolicy retry;
    private final CircuitBreaker breaker;
    private final DispatcherMetrics metrics;

    RetryStage(Notifier notifier, RetryPolicy retry, CircuitBreaker breaker, DispatcherMetrics metrics) {
        this.notifier = notifier;
        this.retry = retry;
        this.breaker = breaker;
        this.metrics = metrics;
    }

    /** A backoff for one lane: its own jitter. */
    RetryPolicy.Backoff backoff() {
        return retry.backoff();
    }

    /**
     * One attempt of {@code d}, with the lane's {@code backoff}; null when the call was cut short by
     * shutdown ({@code stopping}), in which case nothing is decided and the event is delivered after
     * the restart.
     */
    @Nullable
    Next attempt(Delivery d, RetryPolicy.Backoff backoff, BooleanSupplier stopping) {
        CircuitBreaker.Permit permit = breaker.acquire();
        if (permit instanceof CircuitBreaker.Wait wait) {
            return new Later(wait.delay());
        }
        boolean probe = ((CircuitBreaker.Go) permit).probe();
        NotifyResult result;
        try {
            result = notifier.send(d.payload());
        } catch (RuntimeException e) {
            if (stopping.getAsBoolean()) {
                return null;
            }
            // A notifier must not throw; if one does, treat it as a failure worth retrying, within the bound.
            LOG.error("notifier {} failed on message_id {}", notifier.name(), d.payload().messageId(), e);
            result = NotifyResult.retryable("NOTIFIER_ERROR", 0, String.valueOf(e.getMessage()), null);
        }
        switch (result.outcome()) {
            case DELIVERED -> {
                breaker.onSuccess("HTTP " + result.status());
                return new Finish(DeliveryLanes.End.DELIVERED, result);
            }
            case REJECTED -> {
                breaker.onSuccess("HTTP " + result.status() + ", refused");
                return new Finish(DeliveryLanes.End.REJECTED, result);
            }
            default -> {
                breaker.onFailure(probe, describe(result));
                d.failed(!probe);
                metrics.retried(result.cause());
                if (retry.exhausted(d.countedFailures())) {
                    return new Finish(DeliveryLanes.End.EXHAUSTED, result);
                }
                Duration delay = backoff.delay(d.failures(), result.retryAfter());
                LOG.debug("message_id {} failed ({}), attempt {}; next in {}", d.payload().messageId(), result.cause(),
                        d.failures(), delay);
                return new Later(delay);
            }
        }
    }

    /** The cause and the start of the answer's body, for the circuit's log line. */
    private static String describe(NotifyResult result) {
        String body = result.body() == null ? "" : result.body().strip();
        return result.cause() + (body.isEmpty() ? "" : ": " + (body.length() <= 200 ? body : body.substring(0, 200) + "..."));
    }
}
