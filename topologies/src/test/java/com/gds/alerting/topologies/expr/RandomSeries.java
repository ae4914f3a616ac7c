package com.gds.alerting.topologies.expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random input series for the differential test, written both into promtool's
 * {@code input_series} notation and into an {@link InMemorySeriesStore}: counters with resets,
 * gauges of small integers (so comparisons land exactly on thresholds), gaps of single samples
 * and gaps longer than the 5-minute lookback, staleness markers, and series that start late or
 * stop early.
 */
final class RandomSeries {

    static final List<String> METRICS = List.of("cnt", "gauge", "ratio", "state");
    static final List<String> INSTANCES = List.of("i1", "i2", "i3");
    static final List<String> TYPES = List.of("postgresql", "mongodb");
    static final List<String> ENVIRONMENTS = List.of("prod", "dev");
    static final List<String> TABLES = List.of("t1", "t2");

    /** One series: labels and a value (or null for a missing sample) per interval step. */
    record Def(Labels labels, Double[] values) {
    }

    final long intervalMs;
    final List<Def> defs = new ArrayList<>();

    RandomSeries(Random random, long intervalMs, int steps) {
        this.intervalMs = intervalMs;
        for (String metric : METRICS) {
            int count = 2 + random.nextInt(4);
            Map<Labels, Boolean> seen = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put(Labels.METRIC_NAME, metric);
                labels.put("instance_id", pick(random, INSTANCES));
                labels.put("database_type", pick(random, TYPES));
                labels.put("environment", pick(random, ENVIRONMENTS));
                if (random.nextInt(3) > 0) {
                    labels.put("table", pick(random, TABLES));
                }
                Labels l = Labels.of(labels);
                if (seen.putIfAbsent(l, true) == null) {
                    defs.add(new Def(l, values(random, metric, steps)));
                }
            }
        }
    }

    private static Double[] values(Random random, String metric, int steps) {
        Double[] v = new Double[steps];
        double counter = random.nextInt(50);
        int start = random.nextInt(4) == 0 ? random.nextInt(steps / 3) : 0;
        int end = random.nextInt(4) == 0 ? steps - random.nextInt(steps / 3) : steps;
        int longGapAt = random.nextInt(3) == 0 ? random.nextInt(steps) : -1;
        int longGapLength = 5 + random.nextInt(15);
        for (int i = 0; i < steps; i++) {
            double x = switch (metric) {
                case "cnt" -> {
                    if (random.nextInt(25) == 0) {
                        counter = random.nextInt(5);
                    } else {
                        counter += random.nextInt(4) == 0 ? 0 : random.nextInt(20);
                    }
                    yield counter;
                }
                case "gauge" -> random.nextInt(11);
                case "ratio" -> random.nextInt(9) * 0.125 - (random.nextInt(8) == 0 ? 2 : 0);
                default -> random.nextInt(2);
            };
            boolean missing = i < start || i >= end || random.nextInt(10) == 0
                    || (longGapAt >= 0 && i >= longGapAt && i < longGapAt + longGapLength);
            // Now and then a staleness marker, as Prometheus writes when a target stops exposing a series.
            v[i] = missing ? null : random.nextInt(40) == 0 ? InMemorySeriesStore.STALE_NAN : x;
        }
        return v;
    }

    static String pick(Random random, List<String> from) {
        return from.get(random.nextInt(from.size()));
    }

    InMemorySeriesStore store() {
        InMemorySeriesStore store = new InMemorySeriesStore();
        for (Def d : defs) {
            for (int i = 0; i < d.values().length; i++) {
                if (d.values()[i] != null) {
                    store.add(d.labels(), i * intervalMs, d.values()[i]);
                }
            }
        }
        return store;
    }

    /** The {@code input_series} block of a promtool test group. */
    String inputSeriesYaml() {
        StringBuilder b = new StringBuilder("    input_series:\n");
        for (Def d : defs) {
            b.append("      - series: '").append(promSeries(d.labels())).append("'\n");
            b.append("        values: '");
            for (int i = 0; i < d.values().length; i++) {
                if (i > 0) {
                    b.append(' ');
                }
                Double x = d.values()[i];
                b.append(x == null ? "_" : isStale(x) ? "stale" : formatNumber(x));
            }
            b.append("'\n");
        }
        return b.toString();
    }

    /** {@code name{a="x", …}}: how promtool reads a series or a sample's labels. */
    static String promSeries(Labels labels) {
        String name = labels.get(Labels.METRIC_NAME);
        return name + labels.withoutMetricName();
    }

    static boolean isStale(double x) {
        return Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(InMemorySeriesStore.STALE_NAN);
    }

    static String formatNumber(double x) {
        if (x == Math.rint(x) && Math.abs(x) < 1e15) {
            return Long.toString((long) x);
        }
        return Double.toString(x);
    }
}
