package com.gds.alerting.service.dispatch;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import io.micronaut.core.annotation.Nullable;

/**
 * When to try again: exponential backoff with jitter, or the service's own {@code Retry-After}
 * when it sent one (cut to a ceiling), and when to give up.
 *
 * <p>The jitter is "equal jitter": half the exponential delay plus a random part up to the other
 * half, so retries of many notifications after one outage spread out instead of arriving together,
 * and no retry comes sooner than half its nominal delay.
 *
 * <p>Each delivery lane draws its jitter from a {@link Backoff} of its own, seeded from
 * {@link SecureRandom}: different per lane and per process. (A {@code ThreadLocalRandom} captured
 * once and used from the lane threads draws from those threads' uninitialised seeds, which are the
 * same in every process: every instance retried at the same moments after an outage.)
 */
public final class RetryPolicy {

    /** Seeds for the lanes' generators; SecureRandom is thread-safe and differs per process. */
    private static final SecureRandom SEEDS = new SecureRandom();

    private final int maxAttempts;
    private final Duration initial;
    private final Duration max;
    private final Duration maxRetryAfter;
    private final Supplier<? extends RandomGenerator> jitterSources;

    /**
     * @param maxAttempts   attempts before giving up (0 = never give up)
     * @param initial       the delay after the first failure
     * @param max           the longest backoff
     * @param maxRetryAfter the longest {@code Retry-After} honoured as it is
     * @param jitterSources a new source of jitter for each {@link #backoff()}
     */
    public RetryPolicy(int maxAttempts, Duration initial, Duration max, Duration maxRetryAfter,
                       Supplier<? extends RandomGenerator> jitterSources) {
        this.maxAttempts = maxAttempts;
        this.initial = initial;
        this.max = max;
        this.maxRetryAfter = maxRetryAfter;
        this.jitterSources = jitterSources;
    }

    /** The policy of {@code gds.dispatcher.*}, with jitter seeded from {@link SecureRandom}: what the dispatcher uses. */
    public static RetryPolicy of(DispatcherSettings settings) {
        return new RetryPolicy(settings.getMaxAttempts(), settings.getInitialBackoff(), settings.getMaxBackoff(),
                settings.getMaxRetryAfter(), RetryPolicy::secureSeededJitter);
    }

    /** A generator of its own, seeded from {@link SecureRandom}. */
    static RandomGenerator secureSeededJitter() {
        return new SplittableRandom(SEEDS.nextLong());
    }

    /** True when {@code attemptsCounted} failed attempts exhaust the bound. */
    public boolean exhausted(int attemptsCounted) {
        return maxAttempts > 0 && attemptsCounted >= maxAttempts;
    }

    /** A backoff schedule with a jitter source of its own, for one thread (one delivery lane). */
    public Backoff backoff() {
        return new Backoff(jitterSources.get());
    }

    /** initial × 2^(failures-1), capped at max. */
    long nominalMillis(int failures) {
        long initialMs = Math.max(1, initial.toMillis());
        int shift = Math.min(Math.max(0, failures - 1), 30);
        long exponential = initialMs << shift;
        return Math.min(exponential < 0 ? Long.MAX_VALUE : exponential, max.toMillis());
    }

    /** The delays of one lane. Not thread-safe: its generator belongs to the lane's thread. */
    public final class Backoff {

        private final RandomGenerator random;

        private Backoff(RandomGenerator random) {
            this.random = random;
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
    }
}
