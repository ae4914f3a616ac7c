package com.gds.alerting.collectors.synthetic;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.collectors.MetricPublisher;

/**
 * Runs a {@link SyntheticFleet} on a fixed schedule and publishes every cycle. One thread; a
 * failing cycle is logged and the next one runs.
 */
public final class SyntheticCollector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyntheticCollector.class);

    private final SyntheticFleet fleet;
    private final MetricPublisher publisher;
    private final Clock clock;
    private final Duration interval;
    private final ScheduledExecutorService scheduler;
    private long cycles;

    public SyntheticCollector(SyntheticFleet fleet, MetricPublisher publisher, Clock clock, Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        this.fleet = fleet;
        this.publisher = publisher;
        this.clock = clock;
        this.interval = interval;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "synthetic-collector");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts publishing one cycle now and then every interval. */
    public void start() {
        scheduler.scheduleAtFixedRate(this::runCycle, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Publishes one cycle; returns how many metrics it sent. */
    int runCycle() {
        try {
            SyntheticFleet.Cycle cycle = fleet.cycle(clock.instant(), interval);
            for (Metric metric : cycle.metrics()) {
                publisher.publish(metric);
            }
            cycle.notices().forEach(n -> LOG.info("synthetic incident: {}", n));
            if (++cycles % 12 == 1) {
                LOG.info("synthetic collector: cycle {}, {} metrics this cycle, {} acknowledged in all, {} failed",
                        cycles, cycle.metrics().size(), publisher.sentCount(), publisher.failedCount());
            }
            return cycle.metrics().size();
        } catch (RuntimeException e) {
            LOG.error("synthetic collection cycle failed; the next one runs as scheduled", e);
            return 0;
        }
    }

    /** Stops the schedule and flushes what was sent. */
    @Override
    public void close() {
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            scheduler.shutdownNow();
        }
        publisher.flush();
    }
}
