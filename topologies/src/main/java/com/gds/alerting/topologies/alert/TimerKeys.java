package com.gds.alerting.topologies.alert;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the timer index: due time (8 bytes, big-endian, so byte order is time order), timer
 * kind (1 byte), alert key (UTF-8). A punctuation reads the index from the start and stops at the
 * first timer not yet due: its cost is the timers due, not the alerts open.
 */
final class TimerKeys {

    /** Appended only: the ordinal is in stored keys. */
    enum Kind {
        REMINDER, ESCALATION, ABSENCE, FORGET, UNMUTE
    }

    record Timer(long due, Kind kind, String alertKey) {
    }

    private TimerKeys() {
    }

    static Bytes key(long due, Kind kind, String alertKey) {
        byte[] keyBytes = alertKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(9 + keyBytes.length)
                .putLong(due).put((byte) kind.ordinal()).put(keyBytes).array());
    }

    static Timer parse(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        long due = buffer.getLong();
        Kind kind = Kind.values()[buffer.get()];
        return new Timer(due, kind, new String(key.get(), 9, key.get().length - 9, StandardCharsets.UTF_8));
    }
}
