package com.gds.alerting.topologies.window;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import com.gds.alerting.topologies.rules.WindowSpecs;

/**
 * Event-time windows of one task's series for WINDOW rules, kept as panes (one per hop) so a
 * hopping window is the merge of {@code size / advance} panes and each sample updates one.
 *
 * <p>Window {@code [end - size, end)} (ends on multiples of the hop) is evaluated once the series'
 * newest sample is at or past {@code end + grace}; later samples of it are late. The first window
 * evaluated for a series is the first that starts at or after its first sample's pane, so a
 * window is never judged on a history that began inside it (the partly-filled rule). A window
 * without samples is skipped: it has no value to compare (silence is what absence rules are for).
 * Panes are deleted as soon as no window left to evaluate needs them.
 *
 * <p>Stores: panes by {@code alertKey 0x00 paneStart(8 bytes big-endian)}, so one series' panes are
 * contiguous and in time order; progress by alert key: next window end to evaluate, newest
 * sample time and the window spec they belong to (36 bytes); a rule whose window changes starts
 * over.
 */
public final class WindowAggregator {

    /** A window that closed, with its aggregate. */
    public record Closed(long end, double value) {
    }

    /** What a sample did: late (dropped, counted by the caller) or the windows it closed, oldest first. */
    public record Outcome(boolean late, List<Closed> closed) {
        static final Outcome LATE = new Outcome(true, List.of());
    }

    /** Progress value: next window end, newest sample time, then the spec it was built with (size, advance, aggregation). */
    private static final int PROGRESS_BYTES = 3 * Long.BYTES + Long.BYTES + Integer.BYTES;
    private static final StringSerializer STRINGS = new StringSerializer();

    private final KeyValueStore<Bytes, byte[]> panes;
    private final KeyValueStore<String, byte[]> progress;

    public WindowAggregator(KeyValueStore<Bytes, byte[]> panes, KeyValueStore<String, byte[]> progress) {
        this.panes = panes;
        this.progress = progress;
    }

    /** Adds a sample of the series {@code alertKey} and evaluates the windows it closes. */
    public Outcome add(WindowSpecs spec, String alertKey, double value, long at) {
        long size = spec.sizeMs();
        long hop = spec.advanceMs();
        long paneStart = Math.floorDiv(at, hop) * hop;
        byte[] p = progress.get(alertKey);
        if (p != null && !sameSpec(ByteBuffer.wrap(p, 16, p.length - 16), spec)) {
            // The rule's window changed: panes of another hop or aggregation cannot be merged, start over.
            deleteBefore(alertKey, Long.MAX_VALUE);
            p = null;
        }
        long nextEnd;
        long newest;
        if (p == null) {
            nextEnd = paneStart + size;
            newest = at;
        } else {
            ByteBuffer b = ByteBuffer.wrap(p);
            nextEnd = b.getLong();
            newest = Math.max(b.getLong(), at);
            if (paneStart + size < nextEnd) {
                return Outcome.LATE;
            }
        }
        Bytes paneKey = key(alertKey, paneStart);
        byte[] stored = panes.get(paneKey);
        Pane pane = stored == null ? Pane.empty(spec) : Pane.decode(stored);
        if (pane.count() > 0 && at == pane.lastAt()) {
            return Outcome.LATE; // a replay of the newest sample
        }
        pane.add(value, at);
        panes.put(paneKey, pane.encode());

        long firstEnd = nextEnd;
        List<Closed> closed = new ArrayList<>();
        while (nextEnd + spec.graceMs() <= newest) {
            Pane window = merge(spec, alertKey, nextEnd - size, nextEnd);
            if (window.count() == 0) {
                Long following = firstPaneFrom(alertKey, nextEnd);
                if (following == null) {
                    break;
                }
                nextEnd = Math.max(nextEnd + hop, following + hop);
                continue;
            }
            double result = window.result(spec);
            if (!Double.isNaN(result)) {
                closed.add(new Closed(nextEnd, result));
            }
            nextEnd += hop;
        }
        if (nextEnd != firstEnd) {
            deleteBefore(alertKey, nextEnd - size);
        }
        progress.put(alertKey, ByteBuffer.allocate(PROGRESS_BYTES).putLong(nextEnd).putLong(newest)
                .putLong(spec.sizeMs()).putLong(spec.advanceMs()).putInt(spec.aggregation().ordinal()).array());
        return new Outcome(false, closed);
    }

    private static boolean sameSpec(ByteBuffer b, WindowSpecs spec) {
        return b.remaining() == PROGRESS_BYTES - 16 && b.getLong() == spec.sizeMs() && b.getLong() == spec.advanceMs()
                && b.getInt() == spec.aggregation().ordinal();
    }

    /** Drops every pane and progress entry of a rule (deleted, or no longer a window rule). */
    public void forget(String ruleId) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = progress.prefixScan(ruleId + ":", STRINGS)) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        for (String key : keys) {
            deleteBefore(key, Long.MAX_VALUE);
            progress.delete(key);
        }
    }

    private Pane merge(WindowSpecs spec, String alertKey, long from, long to) {
        Pane window = Pane.empty(spec);
        try (KeyValueIterator<Bytes, byte[]> it = panes.range(key(alertKey, from), key(alertKey, to - 1))) {
            while (it.hasNext()) {
                window.append(Pane.decode(it.next().value));
            }
        }
        return window;
    }

    private Long firstPaneFrom(String alertKey, long from) {
        try (KeyValueIterator<Bytes, byte[]> it = panes.range(key(alertKey, from), key(alertKey, Long.MAX_VALUE))) {
            return it.hasNext() ? paneStart(it.next().key) : null;
        }
    }

    private void deleteBefore(String alertKey, long before) {
        List<Bytes> old = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = panes.range(key(alertKey, Long.MIN_VALUE), key(alertKey, before - 1))) {
            it.forEachRemaining((KeyValue<Bytes, byte[]> kv) -> old.add(kv.key));
        }
        old.forEach(panes::delete);
    }

    /** Pane key: the alert key, a 0x00 separator (alert keys hold none), the pane start with its sign bit flipped. */
    static Bytes key(String alertKey, long paneStart) {
        byte[] k = alertKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(k.length + 1 + Long.BYTES).put(k).put((byte) 0)
                .putLong(paneStart ^ Long.MIN_VALUE).array());
    }

    static long paneStart(Bytes key) {
        byte[] k = key.get();
        return ByteBuffer.wrap(k, k.length - Long.BYTES, Long.BYTES).getLong() ^ Long.MIN_VALUE;
    }
}
