package com.gds.alerting.avro.serde;

import org.apache.avro.SystemLimitException;

/**
 * Bounds what Avro may allocate for one string, bytes value or collection <em>before</em> it reads
 * it. Avro's binary decoder trusts the length a payload claims: a value of eleven bytes claiming a
 * string of 2 GiB makes it allocate 2 GiB (or throw {@code UnsupportedOperationException}). Avro
 * reads its limits from system properties once, when {@link SystemLimitException} is first used,
 * so {@link #install()} sets them before any payload is decoded, unless the operator already set
 * them on the command line (their value wins).
 *
 * <p>The limits are far above anything this product writes (a Kafka record is at most a few MiB)
 * and far below what would hurt a JVM.
 */
public final class AvroDecodeLimits {

    /** Longest string or bytes value a payload may claim: 8 MiB. */
    public static final int MAX_STRING_OR_BYTES_LENGTH = 8 * 1024 * 1024;
    /** Most items a payload may claim for one array or map: 1 Mi items. */
    public static final int MAX_COLLECTION_ITEMS = 1024 * 1024;

    private static volatile boolean installed;

    private AvroDecodeLimits() {
    }

    /** Sets Avro's decode limits unless already set; idempotent and cheap after the first call. */
    public static void install() {
        if (installed) {
            return;
        }
        synchronized (AvroDecodeLimits.class) {
            setIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_STRING_OR_BYTES_LENGTH);
            setIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_STRING_OR_BYTES_LENGTH);
            setIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_COLLECTION_ITEMS);
            installed = true;
        }
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }
}
