package com.gds.alerting.topologies.exprrule;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.topologies.expr.Labels;

/**
 * The layout of the {@code expr-series} store: per instance, the raw samples of each series some
 * EXPR rule reads, over the longest window a rule's selector needs, and the instance's collection
 * instant in progress. Keys are strings, so one instance's series of one metric are one prefix:
 *
 * <ul>
 *   <li>{@code s<instance_id>\0<metric_name>\0<label>=<value>\0<label>=<value>...} — a series (its
 *       labels but {@code __name__} and {@code instance_id}, sorted by name): format byte 1, sample
 *       count (int), then per sample its time (long, epoch ms) and value (double), oldest first;</li>
 *   <li>{@code i<instance_id>} — the instant: format byte 1, its time (long), whether it was
 *       evaluated (byte), how many series the previous instant had (int) and how many of them this one
 *       has seen so far (int), then the metric names seen (count, then each as length + UTF-8).</li>
 * </ul>
 *
 * Values are small and fixed-format (not Avro): they are rewritten with every sample.
 */
final class ExprSeriesStore {

    static final byte FORMAT = 1;
    private static final StringSerializer STRINGS = new StringSerializer();

    /** One stored series: its labels ({@code __name__}, {@code instance_id} and the rest) and samples. */
    record Stored(String key, Labels labels, long[] timestamps, double[] values) {
        long newest() {
            return timestamps.length == 0 ? Long.MIN_VALUE : timestamps[timestamps.length - 1];
        }
    }

    /** An instance's collection instant in progress (mutable; saved after every change). */
    static final class Instant {
        long at;
        boolean evaluated;
        int previousSeries;
        int seenSeries;
        final Set<String> metrics = new LinkedHashSet<>();

        Instant(long at, int previousSeries) {
            this.at = at;
            this.previousSeries = previousSeries;
        }
    }

    private final KeyValueStore<String, byte[]> store;
    /**
     * The decoded series of each instance this task has seen since it started, by key: loaded from the store
     * on an instance's first sample (one prefix scan), then kept in step with every write, so evaluations
     * read memory, never the store. The store stays the durable copy (changelog, restore).
     */
    private final Map<String, java.util.NavigableMap<String, Stored>> byInstance = new HashMap<>();

    ExprSeriesStore(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    private java.util.NavigableMap<String, Stored> instance(String instanceId) {
        java.util.NavigableMap<String, Stored> cached = byInstance.get(instanceId);
        if (cached != null) {
            return cached;
        }
        java.util.NavigableMap<String, Stored> loaded = new TreeMap<>();
        String prefix = "s" + instanceId + '\0';
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(prefix, STRINGS)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                int metricEnd = kv.key.indexOf('\0', prefix.length());
                String metric = kv.key.substring(prefix.length(), metricEnd);
                loaded.put(kv.key, decode(kv.key, labels(kv.key, instanceId, metric, metricEnd + 1), kv.value));
            }
        }
        byInstance.put(instanceId, loaded);
        return loaded;
    }

    static String seriesKey(String instanceId, String metricName, Labels labels) {
        StringBuilder key = new StringBuilder(64).append('s').append(instanceId).append('\0').append(metricName).append('\0');
        boolean first = true;
        for (Map.Entry<String, String> e : labels.asMap().entrySet()) {
            if (e.getKey().equals(Labels.METRIC_NAME) || e.getKey().equals("instance_id")) {
                continue;
            }
            if (!first) {
                key.append('\0');
            }
            first = false;
            key.append(e.getKey()).append('=').append(e.getValue());
        }
        return key.toString();
    }

    static String metricPrefix(String instanceId, String metricName) {
        return "s" + instanceId + '\0' + metricName + '\0';
    }

    static String instantKey(String instanceId) {
        return "i" + instanceId;
    }

    /** The samples of one series of {@code instanceId}, or {@code null}. */
    Stored series(String instanceId, String key) {
        return instance(instanceId).get(key);
    }

    void put(String instanceId, Stored series) {
        instance(instanceId).put(series.key(), series);
        store.put(series.key(), encode(series.timestamps(), series.values()));
    }

    void delete(String instanceId, String key) {
        instance(instanceId).remove(key);
        store.delete(key);
    }

    /** Every stored series of {@code metricName} on {@code instanceId}. */
    List<Stored> metric(String instanceId, String metricName) {
        String prefix = metricPrefix(instanceId, metricName);
        // Keys of one metric share the prefix (which ends in '\0'); no label text holds '\uffff'.
        return new ArrayList<>(instance(instanceId).subMap(prefix, true, prefix + '\uffff', false).values());
    }

    private static Labels labels(String key, String instanceId, String metricName, int from) {
        Map<String, String> map = new TreeMap<>();
        map.put(Labels.METRIC_NAME, metricName);
        map.put("instance_id", instanceId);
        int i = from;
        while (i < key.length()) {
            int end = key.indexOf('\0', i);
            if (end < 0) {
                end = key.length();
            }
            int eq = key.indexOf('=', i);
            if (eq > i && eq < end) {
                map.put(key.substring(i, eq), key.substring(eq + 1, end));
            }
            i = end + 1;
        }
        return Labels.of(map);
    }

    Instant instant(String instanceId) {
        byte[] bytes = store.get(instantKey(instanceId));
        if (bytes == null || bytes.length == 0 || bytes[0] != FORMAT) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        Instant instant = new Instant(in.getLong(), 0);
        instant.evaluated = in.get() != 0;
        instant.previousSeries = in.getInt();
        instant.seenSeries = in.getInt();
        int names = in.getInt();
        for (int n = 0; n < names; n++) {
            byte[] name = new byte[in.getInt()];
            in.get(name);
            instant.metrics.add(new String(name, StandardCharsets.UTF_8));
        }
        return instant;
    }

    void put(String instanceId, Instant instant) {
        List<byte[]> names = new ArrayList<>(instant.metrics.size());
        int size = 1 + 8 + 1 + 4 + 4 + 4;
        for (String metric : instant.metrics) {
            byte[] name = metric.getBytes(StandardCharsets.UTF_8);
            names.add(name);
            size += 4 + name.length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(FORMAT).putLong(instant.at).put((byte) (instant.evaluated ? 1 : 0)).putInt(instant.previousSeries)
                .putInt(instant.seenSeries).putInt(names.size());
        for (byte[] name : names) {
            out.putInt(name.length).put(name);
        }
        store.put(instantKey(instanceId), out.array());
    }

    static byte[] encode(long[] timestamps, double[] values) {
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + timestamps.length * 16);
        out.put(FORMAT).putInt(timestamps.length);
        for (int i = 0; i < timestamps.length; i++) {
            out.putLong(timestamps[i]).putDouble(values[i]);
        }
        return out.array();
    }

    static Stored decode(String key, Labels labels, byte[] bytes) {
        if (bytes.length < 5 || bytes[0] != FORMAT) {
            throw new IllegalStateException("expr-series value of '" + key.replace('\0', '|') + "' has an unknown format "
                    + (bytes.length == 0 ? "(empty)" : Byte.toString(bytes[0])));
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        int n = in.getInt();
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = in.getLong();
            vs[i] = in.getDouble();
        }
        return new Stored(key, labels, ts, vs);
    }
}
