package com.gds.alerting.collectors.postgres;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Hit ratios over the last collection interval, from two cumulative counters per key: the share
 * of hits among the hits and reads counted since the previous cycle. A lifetime ratio hides a
 * current problem behind months of good history, so none is given: the first cycle (no previous
 * counters), an interval without any block access, and a counter reset (stats reset, restart)
 * give no ratio, and the next cycle measures from the new counters.
 */
final class IntervalRatios {

    private final Map<String, double[]> previous = new HashMap<>();

    OptionalDouble ratio(String key, double hits, double reads) {
        if (Double.isNaN(hits) || Double.isNaN(reads)) {
            previous.remove(key);
            return OptionalDouble.empty();
        }
        double[] before = previous.put(key, new double[] {hits, reads});
        if (before == null) {
            return OptionalDouble.empty();
        }
        double h = hits - before[0];
        double r = reads - before[1];
        if (h < 0 || r < 0 || h + r == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(h / (h + r));
    }
}
