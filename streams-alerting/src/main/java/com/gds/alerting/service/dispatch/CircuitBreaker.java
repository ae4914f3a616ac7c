package com.gds.alerting.service.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Stops hammering a service that is down. After {@code failureThreshold} consecutive retryable
 * failures the circuit opens: nobody calls for {@code openDuration}; then one caller gets a probe
 * permit (half-open). A probe that succeeds closes the circuit; one that fails opens it again.
 * Refused requests (4xx) count as the service being up. Thread-safe; time from the injected clock.
 * Every change of state is told to a {@link Listener} (with its cause), outside the lock.
 */
public final class CircuitBreaker {

    /** The circuit's state, also published as a metric. */
    public enum State {
        CLOSED, OPEN, HALF_OPEN
    }

    /** What a caller may do now. */
    public sealed interface Permit {
    }

    /** Call the service. {@code probe} is true for the one call that tests a service that was down. */
    public record Go(boolean probe) implements Permit {
    }

    /** Do not call; look again after {@code delay}. */
    public record Wait(Duration delay) implements Permit {
    }

    /** Told of every change of state, on the thread that caused it, after the breaker's lock is released. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param from  the state before
         * @param to    the state now
         * @param cause what caused it: the failure that opened it, the answer that closed it, or the
         *              open period that ended
         */
        void changed(State from, State to, String cause);
    }

    /** While a probe is out, the others look again this often (the probe may close the circuit any moment). */
    static final Duration HALF_OPEN_RECHECK = Duration.ofMillis(200);

    private final int failureThreshold;
    private final Duration openDuration;
    private final Clock clock;
    private final Listener listener;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Instant openUntil = Instant.MIN;
    private long opened;

    public CircuitBreaker(int failureThreshold, Duration openDuration, Clock clock) {
        this(failureThreshold, openDuration, clock, (from, to, cause) -> { });
    }

    public CircuitBreaker(int failureThreshold, Duration openDuration, Clock clock, Listener listener) {
        this.failureThreshold = failureThreshold;
        this.openDuration = openDuration;
        this.clock = clock;
        this.listener = listener;
    }

    /** May the caller call now? */
    public Permit acquire() {
        State before;
        Permit permit;
        synchronized (this) {
            before = state;
            permit = decide(clock.instant());
        }
        if (before == State.OPEN && permit instanceof Go) {
            listener.changed(State.OPEN, State.HALF_OPEN, "the open period of " + openDuration + " ended; one probe request");
        }
        return permit;
    }

    private Permit decide(Instant now) {
        switch (state) {
            case CLOSED:
                return new Go(false);
            case OPEN:
                if (now.isBefore(openUntil)) {
                    return new Wait(Duration.between(now, openUntil));
                }
                return probe(now);
            default:
                // A probe whose answer never came (its delivery was cancelled) must not wedge the circuit.
                if (!now.isBefore(openUntil)) {
                    return probe(now);
                }
                return new Wait(openDuration.compareTo(HALF_OPEN_RECHECK) < 0 ? openDuration : HALF_OPEN_RECHECK);
        }
    }

    /** The service answered (delivered or refused): it is up. {@code answer} says how, for the log ("HTTP 202"). */
    public void onSuccess(String answer) {
        State before;
        synchronized (this) {
            before = state;
            state = State.CLOSED;
            consecutiveFailures = 0;
        }
        if (before != State.CLOSED) {
            listener.changed(before, State.CLOSED, answer);
        }
    }

    /** A retryable failure (429, 5xx, timeout, connection); {@code cause} says which, for the log. */
    public void onFailure(boolean probe, String cause) {
        State before;
        State after;
        synchronized (this) {
            before = state;
            if (probe || state == State.HALF_OPEN) {
                open();
            } else {
                consecutiveFailures++;
                if (state == State.CLOSED && consecutiveFailures >= failureThreshold) {
                    open();
                }
            }
            after = state;
        }
        if (before != after) {
            listener.changed(before, after, cause);
        }
    }

    /** How long an open circuit waits before its probe. */
    public Duration openDuration() {
        return openDuration;
    }

    /** Consecutive retryable failures that open the circuit. */
    public int failureThreshold() {
        return failureThreshold;
    }

    private Go probe(Instant now) {
        state = State.HALF_OPEN;
        openUntil = now.plus(openDuration);
        return new Go(true);
    }

    private void open() {
        state = State.OPEN;
        openUntil = clock.instant().plus(openDuration);
        consecutiveFailures = 0;
        opened++;
    }

    public synchronized State state() {
        return state;
    }

    /** How many times the circuit has opened. */
    public synchronized long timesOpened() {
        return opened;
    }
}
