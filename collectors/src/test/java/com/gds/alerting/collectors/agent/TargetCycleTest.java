package com.gds.alerting.collectors.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.collectors.TestConfigs;
import com.gds.alerting.collectors.config.TargetConfig;
import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.source.Sample;

/** One target's cycles with a collector that fails or blocks as told, and a clock the test moves. */
class TargetCycleTest {

    private static final Duration INTERVAL = Duration.ofSeconds(10);

    private static TargetConfig target(Path dir) {
        return TestConfigs.parse("""
                kafka: {bootstrap.servers: "localhost:1"}
                schema_registry: {schema.registry.url: "mem://target-cycle-test"}
                targets:
                """ + TestConfigs.pgTarget("pg-1", "it", "jdbc:postgresql://localhost:1/x", "10s", "5s"), dir).targets().get(0);
    }

    /** A clock the test sets. */
    private static final class MovableClock extends Clock {
        volatile Instant now = Instant.parse("2026-12-07T10:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static List<String> reasons(List<Metric> published) {
        return published.stream().filter(m -> m.getMetricName().equals(TargetCycle.COLLECTION_FAILED))
                .map(m -> m.getTags().get("reason")).toList();
    }

    @Test
    void aWrongPasswordIsTriedWithAnExponentialBackOffAndEveryCycleStillSaysUpZeroWithReasonAuth(@TempDir Path dir) {
        AtomicInteger logins = new AtomicInteger();
        boolean[] passwordFixed = {false};
        Collector collector = new Collector() {
            @Override
            public List<Sample> collect() throws SQLException {
                logins.incrementAndGet();
                if (!passwordFixed[0]) {
                    throw new SQLException("FATAL: password authentication failed for user \"monitor\"", "28P01");
                }
                return List.of(Sample.of("connections_used", 3));
            }

            @Override
            public void close() {
            }
        };
        MovableClock clock = new MovableClock();
        List<Metric> published = new CopyOnWriteArrayList<>();
        Logger log = (Logger) LoggerFactory.getLogger(TargetCycle.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        log.addAppender(logs);
        try {
            TargetCycle cycle = new TargetCycle(target(dir), collector, published::addAll, clock, System::nanoTime, "test");
            int[] loginsAfterCycle = new int[12];
            for (int i = 0; i < 12; i++) {
                CycleOutcome o = cycle.run();
                assertEquals(FailureReason.AUTH, o.reason());
                loginsAfterCycle[i] = logins.get();
                clock.now = clock.now.plus(INTERVAL);
            }
            // Tried at cycles 0 and 1, then after 2, 4, 8 intervals: cycles 3 and 7 (and 15, beyond this run).
            assertEquals(List.of(1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4),
                    java.util.Arrays.stream(loginsAfterCycle).boxed().toList(), "logins per cycle");
            assertEquals(12, published.stream().filter(m -> m.getMetricName().equals("up") && m.getValue() == 0).count(),
                    "no hole in up while backing off");
            assertEquals(java.util.Collections.nCopies(12, "auth"), reasons(published));
            assertTrue(logs.list.stream().anyMatch(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().contains("backing off, next login attempt in PT40S")), "the log says so");

            passwordFixed[0] = true;
            clock.now = clock.now.plus(MAX_WAIT);
            assertTrue(cycle.run().up(), "tried again once the back-off expired, and answered");
            clock.now = clock.now.plus(INTERVAL);
            assertTrue(cycle.run().up(), "a success resets the back-off");
        } finally {
            log.detachAppender(logs);
        }
    }

    private static final Duration MAX_WAIT = TargetCycle.MAX_AUTH_BACKOFF;

    @Test
    void anAbandonedCycleDoesNotCostTheNextSlotItsUp(@TempDir Path dir) throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        // Blocks on the first call until the connection is closed, like a query on a hung server.
        Collector collector = new Collector() {
            @Override
            public List<Sample> collect() throws Exception {
                if (calls.incrementAndGet() == 1) {
                    closed.await(30, TimeUnit.SECONDS);
                    throw new SQLException("An I/O error occurred while sending to the backend", "08006");
                }
                return List.of(Sample.of("connections_used", 3));
            }

            @Override
            public void close() {
                closed.countDown();
            }
        };
        MovableClock clock = new MovableClock();
        List<Metric> published = new CopyOnWriteArrayList<>();
        TargetCycle cycle = new TargetCycle(target(dir), collector, published::addAll, clock, System::nanoTime, "test");
        CompletableFuture<CycleOutcome> first = CompletableFuture.supplyAsync(cycle::run);
        com.gds.alerting.collectors.Await.until(Duration.ofSeconds(10), () -> calls.get() == 1, () -> "the first cycle never started");

        clock.now = clock.now.plus(INTERVAL);
        cycle.abandon();
        CycleOutcome second = cycle.runAfter(first, Duration.ofSeconds(30));

        List<Metric> ups = published.stream().filter(m -> m.getMetricName().equals("up")).toList();
        assertEquals(2, ups.size(), "one up per slot: the abandoned one and the next: " + ups);
        assertEquals(0, ups.get(0).getValue());
        assertEquals(Instant.parse("2026-12-07T10:00:00Z"), ups.get(0).getTimestamp());
        assertEquals(1, ups.get(1).getValue(), "the next slot ran once the abandoned cycle let go");
        assertEquals(Instant.parse("2026-12-07T10:00:10Z"), ups.get(1).getTimestamp(), "at its own slot's time");
        assertTrue(second.up());
        assertEquals(List.of("timeout"), reasons(published), "the abandoned cycle is a timeout, published once");
    }

    @Test
    void failuresAreClassifiedForTheReasonTag() {
        Map<Throwable, FailureReason> cases = Map.of(
                new SQLException("password authentication failed for user \"x\"", "28P01"), FailureReason.AUTH,
                new SQLException("Login failed for user 'x'.", "S0001", 18456), FailureReason.AUTH,
                new SQLException("permission denied for table t", "42501"), FailureReason.PERMISSION,
                new SQLException("Connection to localhost:1 refused", "08001"), FailureReason.CONNECT,
                new SQLException("wrapped", new java.net.ConnectException("Connection refused")), FailureReason.CONNECT,
                new SQLException("ERROR: canceling statement due to user request", "57014"), FailureReason.TIMEOUT,
                new java.sql.SQLTimeoutException("timed out"), FailureReason.TIMEOUT,
                new SQLException("relation \"pg_stat_x\" does not exist", "42P01"), FailureReason.ERROR);
        cases.forEach((e, expected) -> assertEquals(expected, FailureReason.classify(e), e.toString()));
    }
}
