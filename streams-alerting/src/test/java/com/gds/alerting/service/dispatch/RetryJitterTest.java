package com.gds.alerting.service.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * Retries must not happen in lock-step: every lane, and every process, draws its own jitter. The
 * delays are drawn on fresh threads, as the lanes draw them (a generator captured on one thread and
 * used on another draws from that thread's seed, which was the bug).
 */
class RetryJitterTest {

    private static DispatcherSettings settings() {
        DispatcherSettings s = new DispatcherSettings();
        s.setMaxAttempts(0);
        s.setInitialBackoff(Duration.ofSeconds(1));
        s.setMaxBackoff(Duration.ofMinutes(10));
        return s;
    }

    /** The delays after 1..12 failures, drawn on a new thread (lanes are threads of their own). */
    static List<Long> delaysOnAFreshThread(RetryPolicy.Backoff backoff) throws InterruptedException {
        AtomicReference<List<Long>> out = new AtomicReference<>();
        Thread t = new Thread(() -> {
            List<Long> delays = new ArrayList<>();
            for (int failures = 1; failures <= 12; failures++) {
                delays.add(backoff.delay(failures, null).toMillis());
            }
            out.set(delays);
        });
        t.start();
        t.join();
        return out.get();
    }

    @Test
    void twoDispatchersBuiltFromTheSameSettingsRetryAtDifferentMoments() throws Exception {
        List<Long> first = delaysOnAFreshThread(RetryPolicy.of(settings()).backoff());
        List<Long> second = delaysOnAFreshThread(RetryPolicy.of(settings()).backoff());
        assertNotEquals(first, second, "two dispatchers drew the same back-off delays");
    }

    @Test
    void twoLanesOfOneDispatcherRetryAtDifferentMoments() throws Exception {
        RetryPolicy policy = RetryPolicy.of(settings());
        assertNotEquals(delaysOnAFreshThread(policy.backoff()), delaysOnAFreshThread(policy.backoff()),
                "two lanes drew the same back-off delays");
    }

    @Test
    void everyLaneGetsABackoffOfItsOwn() throws Exception {
        AtomicInteger sources = new AtomicInteger();
        RetryPolicy policy = new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofMinutes(5), () -> {
            sources.incrementAndGet();
            return RetryPolicy.secureSeededJitter();
        });
        DeliveryLanes lanes = new DeliveryLanes(5, new LogNotifier(), policy,
                new CircuitBreaker(5, Duration.ofSeconds(30), java.time.Clock.systemUTC()),
                new DispatcherMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                java.time.Clock.systemUTC(), finished -> { });
        lanes.close(Duration.ofSeconds(1));
        assertEquals(5, sources.get(), "one jitter source per lane");
    }

    @Test
    void twoProcessesRetryAtDifferentMoments() throws Exception {
        assertNotEquals(delaysInANewJvm(), delaysInANewJvm(), "two JVMs drew the same back-off delays");
    }

    private static String delaysInANewJvm() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                PrintDelays.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child JVM ended");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("["), out);
        return out;
    }

    /** Run in a child JVM: prints the delays one lane of a dispatcher built from the settings would use. */
    public static final class PrintDelays {
        public static void main(String[] args) throws Exception {
            System.out.println(delaysOnAFreshThread(RetryPolicy.of(settings()).backoff()));
        }
    }
}
