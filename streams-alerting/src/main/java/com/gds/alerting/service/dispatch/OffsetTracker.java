package com.gds.alerting.service.dispatch;

import java.util.TreeSet;

/**
 * The offsets of one partition read but not yet done (delivered, dead-lettered, skipped or folded
 * into a delivered summary). The committable offset is the lowest one not done: records complete
 * out of order (different keys run in parallel), but a commit never passes one that is not done,
 * so a crash loses nothing. Used by the consumer thread only.
 */
final class OffsetTracker {

    private final TreeSet<Long> pending = new TreeSet<>();
    private long next = -1;
    private long committed = -1;

    /** {@code offset} was read and is now owed. */
    void register(long offset) {
        pending.add(offset);
        next = Math.max(next, offset + 1);
    }

    /**
     * {@code offset}, the last one registered, will be read again (the record was handed back to
     * the consumer because the schema registry did not answer).
     */
    void forget(long offset) {
        pending.remove(offset);
        next = offset;
    }

    void complete(long offset) {
        pending.remove(offset);
    }

    int pending() {
        return pending.size();
    }

    /** The next offset to read after a restart: the lowest not done; -1 when nothing was read. */
    long position() {
        return pending.isEmpty() ? next : pending.first();
    }

    /** {@link #position()} when it moved past the last commit, else -1. */
    long committable() {
        long candidate = position();
        return candidate > committed ? candidate : -1;
    }

    void committed(long offset) {
        committed = Math.max(committed, offset);
    }
}
