package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of another process, from Linux's {@code /proc}: how the side-by-side benchmark
 * measures Prometheus, the service and the broker alike, each in its own process. ({@link ProcessCpu} measures
 * the harness's own JVM.)
 */
final class ProcStat {

    /** Clock ticks per second of {@code utime}/{@code stime}: 100 on every Linux this runs on ({@code getconf CLK_TCK}). */
    private static final double TICKS_PER_SECOND = 100;

    private ProcStat() {
    }

    /** CPU-seconds (user + system) process {@code pid} has used so far; throws when it is gone. */
    static double cpuSeconds(long pid) throws IOException {
        return cpuSecondsOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /**
     * utime + stime of a {@code /proc/<pid>/stat} line, in seconds. The command name (field 2) is in parentheses
     * and may hold spaces, so the fields are counted from the last {@code ')'}: utime and stime are fields 14 and 15.
     */
    static double cpuSecondsOf(String statLine) {
        String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3 (state): field n is fields[n - 3].
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /** The resident set of process {@code pid} in bytes ({@code VmRSS}); throws when it is gone or does not say. */
    static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("/proc/" + pid + "/status has no VmRSS line");
    }
}
