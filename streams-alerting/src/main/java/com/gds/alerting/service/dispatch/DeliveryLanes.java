package com.gds.alerting.service.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.core.annotation.Nullable;

/**
 * Runs deliveries with bounded concurrency while keeping the order per alert key: each lane is
 * one thread with a queue, a key always maps to the same lane, and a lane starts its next delivery
 * only when the current one is finished (delivered, refused, given up or abandoned). Waiting for a
 * retry or for the circuit is a scheduled task on the lane, never a sleeping thread. Each attempt,
 * and what follows it, is the {@link RetryStage}'s; each lane has a backoff (jitter) of its own.
 *
 * <p>The price of the simple design: a notification being retried holds up the other keys of its
 * lane. When the whole service is down that changes nothing (every lane waits for the circuit); for
 * a single slow key it delays at most 1/concurrency of the traffic.
 */
final class DeliveryLanes {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLanes.class);

    /** How a delivery ended. */
    enum End {
        DELIVERED, REJECTED, EXHAUSTED, ABANDONED
    }

    /** A finished delivery, with the last attempt's result (null when abandoned before any). */
    record Finished(Delivery delivery, End end, @Nullable NotifyResult last) {
    }

    private final Lane[] lanes;
    private final RetryStage stage;
    private final DispatcherMetrics metrics;
    private final Clock clock;
    private final Consumer<Finished> onFinished;
    private final DeliveryWatcher watcher;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean stopping;

    DeliveryLanes(int concurrency, Notifier notifier, RetryPolicy retry, CircuitBreaker breaker, DispatcherMetrics metrics,
                  Clock clock, Consumer<Finished> onFinished) {
        this(concurrency, notifier, retry, breaker, metrics, clock, onFinished, DeliveryWatcher.NONE);
    }

    /** With a {@code watcher} told where each delivery is (the e-mail fallback). */
    DeliveryLanes(int concurrency, Notifier notifier, RetryPolicy retry, CircuitBreaker breaker, DispatcherMetrics metrics,
                  Clock clock, Consumer<Finished> onFinished, DeliveryWatcher watcher) {
        this.watcher = watcher;
        this.stage = new RetryStage(notifier, retry, breaker, metrics);
        this.metrics = metrics;
        this.clock = clock;
        this.onFinished = onFinished;
        this.lanes = new Lane[concurrency];
        for (int i = 0; i < concurrency; i++) {
            lanes[i] = new Lane(i, stage.backoff());
        }
    }

    void submit(Delivery delivery) {
        inFlight.incrementAndGet();
        lanes[Math.floorMod(delivery.laneKey().hashCode(), lanes.length)].enqueue(delivery);
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Waits up to {@code grace} for the deliveries under way to finish; true when all did. */
    boolean awaitIdle(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    /**
     * Stops every lane: deliveries not finished are dropped without completing their records, so
     * their offsets stay uncommitted and they are delivered again after a restart (same
     * {@code message_id}). Waits for an HTTP call under way to return.
     */
    void close(Duration callTimeout) throws InterruptedException {
        stopping = true;
        List<ScheduledExecutorService> executors = new ArrayList<>();
        for (Lane lane : lanes) {
            lane.executor.shutdownNow();
            executors.add(lane.executor);
        }
        for (ScheduledExecutorService executor : executors) {
            if (!executor.awaitTermination(callTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("a delivery lane did not stop within {}", callTimeout);
            }
        }
    }

    private final class Lane {

        private final ScheduledExecutorService executor;
        private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
        /** This lane's own jitter: lanes (and processes) must not retry in lock-step. */
        private final RetryPolicy.Backoff backoff;
        @Nullable
        private Delivery current;

        Lane(int index, RetryPolicy.Backoff backoff) {
            this.backoff = backoff;
            this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "gds-dispatch-lane-" + index);
                t.setDaemon(true);
                return t;
            });
        }

        void enqueue(Delivery delivery) {
            executor.execute(() -> {
                queue.add(delivery);
                if (current == null) {
                    next();
                }
            });
        }

        private void next() {
            current = queue.poll();
            if (current != null) {
                attempt();
            }
        }

        private void attempt() {
            Delivery d = current;
            if (d == null || stopping) {
                return;
            }
            if (d.abandoned()) {
                finish(d, End.ABANDONED, null);
                return;
            }
            watcher.attempting(d);
            RetryStage.Next next = stage.attempt(d, backoff, () -> stopping);
            if (next instanceof RetryStage.Finish done) {
                finish(d, done.end(), done.last());
            } else if (next instanceof RetryStage.Later later) {
                watcher.waiting(d);
                later(later.delay());
            }
        }

        private void later(Duration delay) {
            if (!stopping) {
                executor.schedule(this::attempt, Math.max(1, delay.toMillis()), TimeUnit.MILLISECONDS);
            }
        }

        private void finish(Delivery d, End end, @Nullable NotifyResult last) {
            current = null;
            try {
                watcher.finished(d);
                if (end == End.DELIVERED) {
                    metrics.delivered(d, clock.instant());
                }
                onFinished.accept(new Finished(d, end, last));
            } finally {
                if (inFlight.decrementAndGet() == 0) {
                    synchronized (idle) {
                        idle.notifyAll();
                    }
                }
            }
            next();
        }
    }
}
