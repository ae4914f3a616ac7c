package com.gds.alerting.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Locale;

/**
 * The CPU time this JVM spent (every thread: GC, JIT, and the in-process broker where a harness runs
 * one) from {@link #start()} on, per million units of work. On the shared 2-core machines rates vary
 * 2–4× with the load of other processes; CPU-seconds per sample vary far less, so every harness
 * prints this figure beside its rates.
 */
final class ProcessCpu {

    private final long cpuAtStart;
    private final long wallAtStart;

    private ProcessCpu(long cpuAtStart, long wallAtStart) {
        this.cpuAtStart = cpuAtStart;
        this.wallAtStart = wallAtStart;
    }

    /** Starts measuring now. */
    static ProcessCpu start() {
        return new ProcessCpu(processCpuNanos(), System.nanoTime());
    }

    /** CPU-seconds spent since {@link #start()}; NaN when this JVM does not report process CPU time. */
    double cpuSeconds() {
        long now = processCpuNanos();
        return now < 0 || cpuAtStart < 0 ? Double.NaN : (now - cpuAtStart) / 1e9;
    }

    /** CPU-seconds since {@link #start()} per million {@code units} of work. */
    double cpuSecondsPerMillion(long units) {
        return units <= 0 ? Double.NaN : cpuSeconds() / (units / 1e6);
    }

    /**
     * One line: {@code process CPU 12.3 s in 10.0 s wall (1.23 cores): 6.15 CPU-s per million metrics}. What the
     * process holds besides the measured component (broker, producers, sinks) is the caller's to say.
     */
    String report(long units, String unit) {
        double cpu = cpuSeconds();
        double wall = (System.nanoTime() - wallAtStart) / 1e9;
        return String.format(Locale.ROOT, "process CPU %.1f s in %.1f s wall (%.2f cores): %.2f CPU-s per million %s (%,d %s)",
                cpu, wall, cpu / wall, cpuSecondsPerMillion(units), unit, units, unit);
    }

    /** {@code process CPU 12.3 s in 10.0 s wall (1.23 cores)}: for a run whose work is not a count of like units. */
    String summary() {
        double cpu = cpuSeconds();
        double wall = (System.nanoTime() - wallAtStart) / 1e9;
        return String.format(Locale.ROOT, "process CPU %.1f s in %.1f s wall (%.2f cores)", cpu, wall, cpu / wall);
    }

    /** Nanoseconds of CPU this process used so far, or -1 when the platform MXBean does not say. */
    private static long processCpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }
}
