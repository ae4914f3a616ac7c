package com.gds.alerting.topologies.rules;

/** Monotonic counters as Prometheus reads them. */
public final class Counters {

    private Counters() {
    }

    /**
     * How much a counter grew from {@code before} to {@code after}. A drop is a reset (the process
     * restarted and the counter began again from 0), so the increase is {@code after}: never negative.
     */
    public static double increase(double before, double after) {
        return after >= before ? after - before : after;
    }
}
