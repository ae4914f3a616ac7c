package com.gds.alerting.topologies.expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A {@link SeriesStore} over maps in memory: for tests, the rule test runner and benchmarks. */
public final class InMemorySeriesStore implements SeriesStore {

    /**
     * Prometheus' staleness marker (a NaN with a fixed bit pattern): a selector treats a series
     * whose latest sample is this marker as gone.
     */
    public static final double STALE_NAN = Double.longBitsToDouble(0x7ff0000000000002L);

    private final Map<Labels, TreeMap<Long, Double>> series = new LinkedHashMap<>();

    /** Adds (or replaces) the sample of a series at a time. */
    public InMemorySeriesStore add(Labels labels, long timestampMs, double value) {
        series.computeIfAbsent(labels, l -> new TreeMap<>()).put(timestampMs, value);
        return this;
    }

    /** Forgets every sample older than {@code beforeMs}: what a bounded state store does. */
    public void evictBefore(long beforeMs) {
        series.values().forEach(s -> s.headMap(beforeMs, false).clear());
        series.values().removeIf(TreeMap::isEmpty);
    }

    public int sampleCount() {
        return series.values().stream().mapToInt(Map::size).sum();
    }

    @Override
    public List<Series> select(List<LabelMatcher> matchers, long fromMs, long toMs) {
        List<Series> out = new ArrayList<>();
        for (var e : series.entrySet()) {
            if (!matchesAll(matchers, e.getKey())) {
                continue;
            }
            var window = e.getValue().subMap(fromMs, true, toMs, true);
            if (window.isEmpty()) {
                continue;
            }
            long[] ts = new long[window.size()];
            double[] vs = new double[window.size()];
            int i = 0;
            for (var s : window.entrySet()) {
                ts[i] = s.getKey();
                vs[i++] = s.getValue();
            }
            out.add(new Series(e.getKey(), ts, vs));
        }
        return out;
    }

    private static boolean matchesAll(List<LabelMatcher> matchers, Labels labels) {
        for (LabelMatcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }
}
