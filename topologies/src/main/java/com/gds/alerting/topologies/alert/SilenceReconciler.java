package com.gds.alerting.topologies.alert;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.topologies.silences.SilenceBook;

/**
 * After a silence was created, changed or deleted (and once after a start), looks again at the open
 * alerts a silence keeps quiet: those no longer silenced notify now. Their {@code alert-open} entries
 * name the silence, so no alert state is decoded for the others; silences change by hand, rarely.
 */
final class SilenceReconciler {

    private static final byte[] SILENCED_BY = AlertLifecycle.SILENCED_BY.getBytes(StandardCharsets.UTF_8);

    private final AlertLifecycle lifecycle;
    private final KeyValueStore<String, byte[]> open;
    private final SilenceBook silenceBook;
    private long seenVersion = -1;

    SilenceReconciler(AlertLifecycle lifecycle, SilenceBook silenceBook) {
        this.lifecycle = lifecycle;
        this.open = lifecycle.open();
        this.silenceBook = silenceBook;
    }

    void reconcile(long now) {
        long version = silenceBook.version();
        if (version == seenVersion) {
            return;
        }
        List<String> silenced = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = open.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (startsWith(kv.value, SILENCED_BY)) {
                    silenced.add(kv.key);
                }
            }
        }
        for (String key : silenced) {
            lifecycle.recheck(key, now);
        }
        seenVersion = version;
    }

    private static boolean startsWith(byte[] value, byte[] prefix) {
        return value != null && value.length >= prefix.length
                && Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
    }
}
