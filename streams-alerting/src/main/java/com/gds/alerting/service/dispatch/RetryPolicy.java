package com.gds.alerting.service.dispatch;

import java.time.Duration;
import java.util.random.RandomGenerator;

import io.micronaut.core.annotation.Nullable;

/**
 * When to try again: exponential backoff with jitter, or the service's own {@code Retry-After}
 * when it sent one (cut to a ceiling), and when to give up.
 *
 * <p>The jitter is "equal jitter": half the exponential delay plus a random part up to the other
 * half, so retries of many notifications after one outage spread out instead of arriving together,
 * and no retry comes sooner than half its nominal delay.
 */
public final class RetryPolicy {

    private final int maxAttempts;
    private final Duration initial;
    private final Duration max;
    private final Duration maxRetryAfter;
    private final RandomGenerator random;

    /**
     * @param maxAttempts   attempts before giving up (0 = never give up)
     * @param initial       the delay after the first failure
     * @param max           the longest backoff
     * @param maxRetryAfter the longest {@code Retry-After} honoured as it is
     * @param random        the source of jitter
     */
    public RetryPolicy(int maxAttempts, Duration initial, Duration max, Duration maxRetryAfter, RandomGenerator random) {
        this.maxAttempts = maxAttempts;
        this.initial = initial;
        this.max = max;
        this.maxRetryAfter = maxRetryAfter;
        this.random = random;
    }

    /** True when {@code attemptsCounted} failed attempts exhaust the bound. */
    public boolean exhausted(int attemptsCounted) {
        return maxAttempts > 0 && attemptsCounted >= maxAttempts;
    }

    /**
     * The wait before the next attempt after {@code failures} failures (from 1): the service's
     * {@code Retry-After} if it gave one, else backoff with jitter.
     */
    public Duration delay(int failures, @Nullable Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
        }
        long nominal = nominalMillis(failures);
        long half = nominal / 2;
        return Duration.ofMillis(half + (nominal - half == 0 ? 0 : random.nextLong(nominal - half + 1)));
    }

    /** initial × 2^(failures-1), capped at max. */
    long nominalMillis(int failures) {
        long initialMs = Math.max(1, initial.toMillis());
        int shift = Math.min(Math.max(0, failures - 1), 30);
        long exponential = initialMs << shift;
        return Math.min(exponential < 0 ? Long.MAX_VALUE : exponential, max.toMillis());
    }
}
