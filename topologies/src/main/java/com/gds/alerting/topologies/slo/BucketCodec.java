package com.gds.alerting.topologies.slo;

import java.nio.ByteBuffer;

/**
 * The bytes of an SLO window's bucket ring: {@code slots × 2} numbers (counted, events), each a
 * whole number {@code n} in {@code [0, 2^62)} written as the unsigned varint of {@code 2n}, anything
 * else as the byte {@code 0x01} followed by the 8-byte IEEE double. Event counts are whole numbers
 * nearly always (samples, counter increases of request counters), and small: most take one or two
 * bytes instead of eight, and they stay exact, so a bucket never drifts the way a float sum does.
 * Every SLO state write goes to RocksDB and the changelog, so its size is the SLO's cost.
 */
final class BucketCodec {

    private static final double MAX_WHOLE = 0x1p62;

    private BucketCodec() {
    }

    static double[] decode(ByteBuffer bytes, int values) {
        ByteBuffer b = bytes.duplicate();
        b.rewind();
        double[] out = new double[values];
        for (int i = 0; i < values; i++) {
            long first = readVarint(b);
            out[i] = first == 1 ? b.getDouble() : (double) (first >>> 1);
        }
        return out;
    }

    static ByteBuffer encode(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 10);
        for (double v : values) {
            if (v >= 0 && v < MAX_WHOLE && v == Math.rint(v)) {
                writeVarint(b, ((long) v) << 1);
            } else {
                b.put((byte) 1).putDouble(v);
            }
        }
        b.flip();
        ByteBuffer exact = ByteBuffer.allocate(b.remaining());
        exact.put(b).flip();
        return exact;
    }

    private static void writeVarint(ByteBuffer b, long v) {
        while ((v & ~0x7FL) != 0) {
            b.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        b.put((byte) v);
    }

    private static long readVarint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }
}
