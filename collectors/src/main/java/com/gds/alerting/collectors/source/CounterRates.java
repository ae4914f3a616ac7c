package com.gds.alerting.collectors.source;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Per-second rates over the last collection interval, from a cumulative counter and the server's
 * clock read in the same query. No rate on a key's first cycle (nothing to compare with), after a
 * reset (the counter went down: a restart) or when the clock did not move; the next cycle measures
 * from the new value. A rate since the server started would hide a current storm behind its uptime.
 */
public final class CounterRates {

    private final Map<String, double[]> previous = new HashMap<>();

    /**
     * @param key     which counter
     * @param value   its cumulative value now
     * @param nowMs   the server's time of the reading, in milliseconds
     */
    public OptionalDouble perSecond(String key, double value, double nowMs) {
        if (Double.isNaN(value) || Double.isNaN(nowMs)) {
            previous.remove(key);
            return OptionalDouble.empty();
        }
        double[] before = previous.put(key, new double[] {value, nowMs});
        if (before == null || value < before[0] || nowMs <= before[1]) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((value - before[0]) / ((nowMs - before[1]) / 1000.0));
    }
}
