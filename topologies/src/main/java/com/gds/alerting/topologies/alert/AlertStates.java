package com.gds.alerting.topologies.alert;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.internal.AlertStatus;

/**
 * The {@code alert-state} store of one task, and beside it an in-memory index of the alert keys that
 * have a state there: every read and write of alert states in the lifecycle processor goes through
 * here, so the index is maintained in this one place. It lets the per-sample path answer "no state"
 * and "resolved, last evaluated at t with tags m" without touching the store: a healthy sample of a
 * series that never alerted, or whose alert is resolved, costs a hash lookup instead of a cached-store
 * read, an Avro decode or a RocksDB miss (issue 25).
 *
 * <p>The index is rebuilt from the store in {@link #rebuild} ({@code init} of the processor, which
 * Kafka Streams runs after the store was restored, also after a task was revived under exactly-once: a
 * dirty close wipes and restores the store, then initializes the processor again). Nothing else writes
 * the store (interactive queries only read it), so the index is exact.
 *
 * <p>Memory: one entry per alert key with a state (open alerts, and resolved ones until the
 * retention sweep deletes them); a resolved entry keeps its last sample time and a copy of its tags.
 */
final class AlertStates {

    /** What the index knows of a key whose state is not RESOLVED: only that it has one. */
    private static final Known OPEN = new Known(false, 0L, null);

    private final KeyValueStore<String, AlertStatus> store;
    private final Map<String, Known> index = new HashMap<>();

    AlertStates(KeyValueStore<String, AlertStatus> store) {
        this.store = store;
    }

    /**
     * What the index knows of a key's state: {@code null} when it has none; for a RESOLVED state its
     * {@code last_sample_at} and tags, exactly as stored.
     */
    record Known(boolean resolved, long lastSampleAt, Map<String, String> tags) {
    }

    /** Clears the index and fills it from the store; returns the number of states. */
    int rebuild() {
        index.clear();
        try (KeyValueIterator<String, AlertStatus> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, AlertStatus> kv = it.next();
                index.put(kv.key, known(kv.value));
            }
        }
        return index.size();
    }

    /** What is known of {@code key}'s state without reading the store; {@code null}: no state. */
    Known known(String key) {
        return index.get(key);
    }

    /** The state of {@code key}, or {@code null}; a key the index does not hold is not looked up. */
    AlertStatus get(String key) {
        return index.containsKey(key) ? store.get(key) : null;
    }

    void put(String key, AlertStatus s) {
        store.put(key, s);
        index.put(key, known(s));
    }

    void delete(String key) {
        store.delete(key);
        index.remove(key);
    }

    KeyValueIterator<String, AlertStatus> range(String from, String to) {
        return store.range(from, to);
    }

    /** Alert keys with a state, from the index. */
    int size() {
        return index.size();
    }

    /**
     * A resolved state's entry keeps a copy of its tags: the map it was written with may be a sample's,
     * which a decoder that reuses its records would change under the index. Copied on resolution only.
     */
    private static Known known(AlertStatus s) {
        if (s.getState() != AlertState.RESOLVED) {
            return OPEN;
        }
        Map<String, String> tags = s.getTags() == null ? null : Collections.unmodifiableMap(new HashMap<>(s.getTags()));
        return new Known(true, s.getLastSampleAt(), tags);
    }
}
