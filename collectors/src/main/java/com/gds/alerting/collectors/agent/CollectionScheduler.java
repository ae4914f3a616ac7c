package com.gds.alerting.collectors.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts each target's cycles at a fixed rate, from a random phase within its interval so that
 * hundreds of targets do not all start at once (the jitter). A single timer thread only hands
 * cycles to a bounded pool of workers, so one slow or dead target holds at most one worker and
 * never delays another target's start.
 *
 * <p>A cycle of a target never overlaps its own next one: when the next start is due and the
 * cycle is still running, it is abandoned (reported {@code up = 0}, its connection closed to
 * unblock it) and the due cycle starts as soon as the abandoned one lets go (within half an
 * interval; otherwise it too reports {@code up = 0}), so every slot publishes {@code up}; when it
 * has not even started because every worker was busy, the start is skipped and counted as late.
 */
public final class CollectionScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CollectionScheduler.class);

    private final ScheduledExecutorService timer;
    private final ThreadPoolExecutor workers;
    private final Random random;
    private final List<Slot> slots = new ArrayList<>();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong cycles = new AtomicLong();

    private static final class Slot {
        final TargetCycle cycle;
        volatile Future<?> running;
        volatile AtomicBoolean started = new AtomicBoolean(true);

        Slot(TargetCycle cycle) {
            this.cycle = cycle;
        }
    }

    /**
     * @param workerThreads how many cycles may run at once, across all targets
     * @param random        source of each target's phase
     */
    public CollectionScheduler(int workerThreads, Random random) {
        this.random = random;
        AtomicInteger n = new AtomicInteger();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "collector-timer"));
        this.workers = new ThreadPoolExecutor(workerThreads, workerThreads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> daemon(r, "collector-" + n.incrementAndGet()));
        this.workers.allowCoreThreadTimeOut(true);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Schedules a target: first cycle at a random point within one interval, then every interval. */
    public synchronized void schedule(TargetCycle cycle) {
        Slot slot = new Slot(cycle);
        slots.add(slot);
        long interval = cycle.target().interval().toMillis();
        long phase = (long) (random.nextDouble() * interval);
        timer.scheduleAtFixedRate(() -> tick(slot), phase, interval, TimeUnit.MILLISECONDS);
    }

    private void tick(Slot slot) {
        try {
            Future<?> previous = slot.running;
            if (previous != null && !previous.isDone()) {
                if (!slot.started.get()) {
                    late.incrementAndGet();
                    return;
                }
                abandoned.incrementAndGet();
                slot.cycle.abandon();
                Duration wait = slot.cycle.target().interval().dividedBy(2);
                start(slot, () -> slot.cycle.runAfter(previous, wait));
                return;
            }
            start(slot, slot.cycle::run);
        } catch (RuntimeException e) {
            // An exception would cancel this target's schedule for good.
            LOG.error("scheduling a cycle of {} failed; the next one is tried as usual", slot.cycle.target().instanceId(), e);
        }
    }

    private void start(Slot slot, Runnable cycle) {
        AtomicBoolean started = new AtomicBoolean();
        slot.started = started;
        slot.running = workers.submit(() -> {
            started.set(true);
            cycle.run();
            cycles.incrementAndGet();
        });
    }

    /** The scheduled targets' cycles. */
    public synchronized List<TargetCycle> cycles() {
        return slots.stream().map(s -> s.cycle).toList();
    }

    /** Cycles finished (published by their own thread) since start. */
    public long completedCycles() {
        return cycles.get();
    }

    /** Cycles abandoned because they outlived their interval. */
    public long abandonedCycles() {
        return abandoned.get();
    }

    /** Starts skipped because every worker was busy (the pool is too small for the fleet). */
    public long lateStarts() {
        return late.get();
    }

    /** Cycles waiting for a worker right now. */
    public int queued() {
        return workers.getQueue().size();
    }

    /** Stops starting cycles; waits up to {@code timeout} for running ones. */
    public void close(Duration timeout) {
        timer.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            workers.shutdownNow();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
