package com.gds.alerting.importer.testkit;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.opentest4j.AssertionFailedError;

/** Waits for a condition with a deadline, re-checking it every 50 ms; never a bare sleep. */
public final class Await {

    private Await() {
    }

    /** Returns once {@code condition} holds; fails with {@code what} when {@code timeout} passes first. */
    public static void until(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Boolean.TRUE.equals(condition.call())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionFailedError("timed out after " + timeout + " waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
