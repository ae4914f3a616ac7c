package com.gds.alerting.topologies.alert;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The {@code baselines} store (anomaly baselines and forecast windows), keyed by alert key. */
final class BaselineStores {

    private static final StringSerializer STRINGS = new StringSerializer();

    private BaselineStores() {
    }

    /** Deletes every entry of {@code ruleId} (alert keys start with {@code ruleId:}). */
    static void forget(KeyValueStore<String, byte[]> store, String ruleId) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.prefixScan(ruleId + ":", STRINGS)) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(store::delete);
    }
}
