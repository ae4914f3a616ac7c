package com.gds.alerting.service.stream;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where a stream of {@code gds.alerts.events} stands: per partition, the offset of the next record
 * to read. It is the SSE event id ({@code v1:0=12,1=40}), so a client that reconnects with
 * {@code Last-Event-ID} continues exactly after the last event it saw — on any instance and after
 * a restart, since these are the topic's own offsets. Not thread-safe: one per stream.
 */
final class StreamPosition {

    private static final String VERSION = "v1:";

    private final SortedMap<Integer, Long> next;

    private StreamPosition(SortedMap<Integer, Long> next) {
        this.next = next;
    }

    static StreamPosition empty() {
        return new StreamPosition(new TreeMap<>());
    }

    /**
     * Parses an id this class formatted.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static StreamPosition parse(String id) {
        if (!id.startsWith(VERSION)) {
            throw new IllegalArgumentException("'" + id + "' is not an event id of this stream (they look like v1:0=12,1=40)");
        }
        SortedMap<Integer, Long> next = new TreeMap<>();
        String body = id.substring(VERSION.length());
        if (!body.isEmpty()) {
            for (String part : body.split(",")) {
                int eq = part.indexOf('=');
                try {
                    int partition = Integer.parseInt(part.substring(0, Math.max(eq, 0)));
                    long offset = Long.parseLong(part.substring(eq + 1));
                    if (partition < 0 || offset < 0 || next.put(partition, offset) != null) {
                        throw new NumberFormatException();
                    }
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    throw new IllegalArgumentException("'" + id + "' is not an event id of this stream: '" + part
                            + "' is not partition=offset (they look like v1:0=12,1=40)");
                }
            }
        }
        return new StreamPosition(next);
    }

    /** The next offset to read of {@code partition}, if this position knows the partition. */
    Long next(int partition) {
        return next.get(partition);
    }

    void set(int partition, long nextOffset) {
        next.put(partition, nextOffset);
    }

    Map<Integer, Long> asMap() {
        return next;
    }

    String format() {
        StringBuilder id = new StringBuilder(VERSION);
        next.forEach((p, o) -> id.append(id.length() == VERSION.length() ? "" : ",").append(p).append('=').append(o));
        return id.toString();
    }
}
