package com.gds.alerting.importer.warehouse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic 63-bit surrogate keys: the first 8 bytes of SHA-256 of {@code kind + ':' + id},
 * sign bit cleared. The same id gets the same key in every importer instance and every target,
 * without a sequence or a lookup; a collision would need about 3 billion distinct ids.
 */
public final class SurrogateKeys {

    private SurrogateKeys() {
    }

    /** The key of an instance id. */
    public static long instance(String instanceId) {
        return hash("instance", instanceId);
    }

    /** The key of a metric name. */
    public static long metric(String metricName) {
        return hash("metric", metricName);
    }

    private static long hash(String kind, String id) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(kind.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) ':');
            byte[] digest = sha.digest(id.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong() & Long.MAX_VALUE;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
