package com.gds.alerting.service.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Retry classification and timing, the circuit breaker, and offset bookkeeping, on an injected clock. */
class DispatchDeliveryRulesTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-03T03:00:00Z"));

    @Test
    void classifiesStatusesAsArchitectureSays() {
        assertEquals(NotifyResult.Outcome.DELIVERED, NotifyResult.classify(200));
        assertEquals(NotifyResult.Outcome.DELIVERED, NotifyResult.classify(202));
        assertEquals(NotifyResult.Outcome.RETRYABLE, NotifyResult.classify(429), "429 is retried");
        assertEquals(NotifyResult.Outcome.RETRYABLE, NotifyResult.classify(500));
        assertEquals(NotifyResult.Outcome.RETRYABLE, NotifyResult.classify(503));
        assertEquals(NotifyResult.Outcome.REJECTED, NotifyResult.classify(400), "other 4xx are not");
        assertEquals(NotifyResult.Outcome.REJECTED, NotifyResult.classify(404));
        assertEquals(NotifyResult.Outcome.REJECTED, NotifyResult.classify(422));
    }

    @Test
    void backoffGrowsExponentiallyWithJitterWithinHalfToFullAndIsCapped() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(5),
                () -> new SplittableRandom(7));
        RetryPolicy.Backoff backoff = policy.backoff();
        for (int failures = 1; failures <= 8; failures++) {
            long nominal = Math.min(100L << (failures - 1), 1000);
            for (int i = 0; i < 50; i++) {
                long d = backoff.delay(failures, null).toMillis();
                assertTrue(d >= nominal / 2 && d <= nominal, "failure " + failures + ": " + d + " in [" + nominal / 2 + ", " + nominal + "]");
            }
        }
        assertFalse(policy.exhausted(4));
        assertTrue(policy.exhausted(5), "bounded at max-attempts");
        assertFalse(new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO, SplittableRandom::new)
                .exhausted(1_000_000), "0 = no bound");
    }

    @Test
    void retryAfterIsHonouredAndCapped() {
        RetryPolicy.Backoff policy = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(5),
                () -> new SplittableRandom(7)).backoff();
        assertEquals(Duration.ofSeconds(7), policy.delay(1, Duration.ofSeconds(7)), "longer than max-backoff, still honoured");
        assertEquals(Duration.ofMinutes(5), policy.delay(1, Duration.ofHours(3)), "cut to max-retry-after");
        Instant now = Instant.parse("2026-11-03T03:00:00Z");
        assertEquals(Duration.ofSeconds(120), HttpNotifier.retryAfter("120", now));
        assertEquals(Duration.ofSeconds(30), HttpNotifier.retryAfter("Tue, 03 Nov 2026 03:00:30 GMT", now), "an HTTP date");
        assertNull(HttpNotifier.retryAfter("soon", now), "unreadable = use backoff");
        assertNull(HttpNotifier.retryAfter(null, now));
    }

    @Test
    void circuitOpensAfterConsecutiveFailuresThenProbesOnce() {
        CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(30), clock);
        for (int i = 0; i < 2; i++) {
            assertEquals(new CircuitBreaker.Go(false), breaker.acquire());
            breaker.onFailure(false, "HTTP_503");
        }
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "two failures do not open it");
        breaker.onFailure(false, "HTTP_503");
        assertEquals(CircuitBreaker.State.OPEN, breaker.state());
        assertEquals(new CircuitBreaker.Wait(Duration.ofSeconds(30)), breaker.acquire(), "nobody calls while open");

        clock.advance(Duration.ofSeconds(30));
        assertEquals(new CircuitBreaker.Go(true), breaker.acquire(), "one probe after the open period");
        assertInstanceOf(CircuitBreaker.Wait.class, breaker.acquire(), "the others wait for the probe");
        breaker.onFailure(true, "HTTP_503");
        assertEquals(CircuitBreaker.State.OPEN, breaker.state(), "a failed probe opens it again");
        assertEquals(2, breaker.timesOpened());

        clock.advance(Duration.ofSeconds(30));
        assertEquals(new CircuitBreaker.Go(true), breaker.acquire());
        breaker.onSuccess("HTTP 202");
        assertEquals(CircuitBreaker.State.CLOSED, breaker.state(), "a probe that succeeds closes it");
        assertEquals(new CircuitBreaker.Go(false), breaker.acquire());
    }

    @Test
    void aProbeWhoseAnswerNeverCameIsReplacedAfterTheOpenPeriod() {
        CircuitBreaker breaker = new CircuitBreaker(1, Duration.ofSeconds(10), clock);
        breaker.onFailure(false, "HTTP_503");
        clock.advance(Duration.ofSeconds(10));
        assertEquals(new CircuitBreaker.Go(true), breaker.acquire());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(new CircuitBreaker.Go(true), breaker.acquire(), "the circuit does not stay half-open forever");
    }

    @Test
    void commitsOnlyUpToTheLowestOffsetNotDone() {
        OffsetTracker tracker = new OffsetTracker();
        assertEquals(-1, tracker.committable(), "nothing read, nothing to commit");
        for (long o = 10; o < 15; o++) {
            tracker.register(o);
        }
        tracker.complete(11);
        tracker.complete(12);
        assertEquals(10, tracker.committable(), "10 is not done: a restart reads it again");
        tracker.complete(10);
        assertEquals(13, tracker.committable(), "10-12 done");
        tracker.committed(13);
        assertEquals(-1, tracker.committable(), "nothing new");
        tracker.complete(14);
        tracker.complete(13);
        assertEquals(15, tracker.committable());
        tracker.register(15);
        tracker.forget(15);
        assertEquals(15, tracker.position(), "a record handed back is read again");
    }
}
