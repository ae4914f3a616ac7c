package com.gds.alerting.topologies.slo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import com.gds.alerting.avro.internal.SloStatus;
import com.gds.alerting.avro.internal.SloWindow;
import com.gds.alerting.topologies.serde.StoreSerde;

/**
 * The serde of the {@code slo-state} store: every SLO sample reads and rewrites its (SLO, instance)
 * state, so this runs twice per sample. It writes the compact layout below, a fixed sequence of
 * varints, doubles and the bucket rings' own bytes, read and written without a schema resolver; it
 * reads that layout and the Avro formats of {@link StoreSerde} (format 1, before instants were
 * paired, and format 2), so a state written by an earlier release (RocksDB or changelog) reads as
 * before. The value type stays {@link SloStatus}, so interactive queries (the service's
 * {@code /api/v1/slo} endpoints) read it unchanged.
 *
 * <p>Compact layout 1, after the format byte {@value #COMPACT_1} (far above the Avro formats'
 * numbers, so the two never meet): {@code rule_id}, {@code instance_id} (varint length, UTF-8);
 * {@code objective} (8-byte double); {@code period_ms}, {@code first_sample_at}, {@code updated_at}
 * (zig-zag varints); a varint whose bits say which of {@code error_budget_remaining},
 * {@code counter_a}, {@code counter_a_at}, {@code counter_total}, {@code counter_total_at},
 * {@code held_at}, {@code held_total}, {@code held_counter_a} follow, in that order (doubles as 8
 * bytes, longs as zig-zag varints); {@code incomplete_instants}; the number of windows, and per
 * window {@code window_ms}, {@code events} and {@code bad_events} (a whole number as {@link
 * BucketCodec} writes one, else 0x01 and the double), a byte whose bits say whether {@code sli} and
 * {@code burn_rate} follow (8-byte doubles), {@code covered_ms}, {@code head}, and the bucket ring
 * (varint length, its {@link BucketCodec} bytes as they are).
 */
public final class SloStateSerde implements Serde<SloStatus> {

    /** The format byte of compact layout 1. */
    static final byte COMPACT_1 = 0x41;

    private final StoreSerde<SloStatus> avro = StoreSerde.of(SloStatus.class);

    public SloStateSerde() {
        if (avro.format() >= COMPACT_1) {
            throw new IllegalStateException("the Avro formats of SloStatus reached the compact layout's format byte");
        }
    }

    /** Encodes a state in the compact layout. */
    public byte[] encode(SloStatus s) {
        Writer w = new Writer(96 + s.getWindows().size() * 96);
        w.b(COMPACT_1);
        w.string(s.getRuleId());
        w.string(s.getInstanceId());
        w.dbl(s.getObjective());
        w.zz(s.getPeriodMs());
        w.zz(s.getFirstSampleAt());
        w.zz(s.getUpdatedAt());
        int present = bit(s.getErrorBudgetRemaining(), 0) | bit(s.getCounterA(), 1) | bit(s.getCounterAAt(), 2)
                | bit(s.getCounterTotal(), 3) | bit(s.getCounterTotalAt(), 4) | bit(s.getHeldAt(), 5)
                | bit(s.getHeldTotal(), 6) | bit(s.getHeldCounterA(), 7);
        w.varint(present);
        if (s.getErrorBudgetRemaining() != null) {
            w.dbl(s.getErrorBudgetRemaining());
        }
        if (s.getCounterA() != null) {
            w.dbl(s.getCounterA());
        }
        if (s.getCounterAAt() != null) {
            w.zz(s.getCounterAAt());
        }
        if (s.getCounterTotal() != null) {
            w.dbl(s.getCounterTotal());
        }
        if (s.getCounterTotalAt() != null) {
            w.zz(s.getCounterTotalAt());
        }
        if (s.getHeldAt() != null) {
            w.zz(s.getHeldAt());
        }
        if (s.getHeldTotal() != null) {
            w.dbl(s.getHeldTotal());
        }
        if (s.getHeldCounterA() != null) {
            w.dbl(s.getHeldCounterA());
        }
        w.zz(s.getIncompleteInstants());
        List<SloWindow> windows = s.getWindows();
        w.varint(windows.size());
        for (SloWindow win : windows) {
            w.zz(win.getWindowMs());
            w.number(win.getEvents());
            w.number(win.getBadEvents());
            w.b((byte) (bit(win.getSli(), 0) | bit(win.getBurnRate(), 1)));
            if (win.getSli() != null) {
                w.dbl(win.getSli());
            }
            if (win.getBurnRate() != null) {
                w.dbl(win.getBurnRate());
            }
            w.zz(win.getCoveredMs());
            w.zz(win.getHead());
            ByteBuffer buckets = win.getBuckets().duplicate();
            buckets.rewind();
            w.varint(buckets.remaining());
            w.bytes(buckets);
        }
        return w.done();
    }

    /** Decodes the compact layout or an Avro format of an earlier release. */
    public SloStatus decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != COMPACT_1) {
            return avro.decode(bytes);
        }
        try {
            Reader r = new Reader(bytes);
            String ruleId = r.string();
            String instanceId = r.string();
            double objective = r.dbl();
            long periodMs = r.zz();
            long firstSampleAt = r.zz();
            long updatedAt = r.zz();
            int present = (int) r.varint();
            Double errorBudget = (present & 1) != 0 ? r.dbl() : null;
            Double counterA = (present & 2) != 0 ? r.dbl() : null;
            Long counterAAt = (present & 4) != 0 ? r.zz() : null;
            Double counterTotal = (present & 8) != 0 ? r.dbl() : null;
            Long counterTotalAt = (present & 16) != 0 ? r.zz() : null;
            Long heldAt = (present & 32) != 0 ? r.zz() : null;
            Double heldTotal = (present & 64) != 0 ? r.dbl() : null;
            Double heldCounterA = (present & 128) != 0 ? r.dbl() : null;
            long incomplete = r.zz();
            int count = (int) r.varint();
            if (count < 0 || count > bytes.length) {
                throw new IllegalArgumentException(count + " windows in " + bytes.length + " bytes");
            }
            List<SloWindow> windows = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long windowMs = r.zz();
                double events = r.number();
                double bad = r.number();
                int flags = r.b();
                Double sli = (flags & 1) != 0 ? r.dbl() : null;
                Double burn = (flags & 2) != 0 ? r.dbl() : null;
                long covered = r.zz();
                long head = r.zz();
                int length = (int) r.varint();
                ByteBuffer buckets = r.slice(length);
                windows.add(new SloWindow(windowMs, events, bad, sli, burn, covered, head, buckets));
            }
            if (r.pos != bytes.length) {
                throw new IllegalArgumentException((bytes.length - r.pos) + " bytes left over");
            }
            return new SloStatus(ruleId, instanceId, objective, periodMs, firstSampleAt, updatedAt, windows, errorBudget,
                    counterA, counterAAt, counterTotal, counterTotalAt, heldAt, heldTotal, heldCounterA, incomplete);
        } catch (RuntimeException e) {
            throw new SerializationException("slo-state value (compact layout 1, " + bytes.length + " bytes): " + e, e);
        }
    }

    private static int bit(Object value, int bit) {
        return value == null ? 0 : 1 << bit;
    }

    @Override
    public Serializer<SloStatus> serializer() {
        return (topic, value) -> value == null ? null : encode(value);
    }

    @Override
    public Deserializer<SloStatus> deserializer() {
        return (topic, bytes) -> bytes == null ? null : decode(bytes);
    }

    private static final class Writer {
        private byte[] buf;
        private int pos;

        Writer(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        void b(byte v) {
            room(1);
            buf[pos++] = v;
        }

        void varint(long v) {
            room(10);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void zz(long v) {
            varint((v << 1) ^ (v >> 63));
        }

        void dbl(double v) {
            room(8);
            long bits = Double.doubleToRawLongBits(v);
            for (int i = 0; i < 8; i++) {
                buf[pos++] = (byte) (bits >>> (56 - 8 * i));
            }
        }

        /** As {@link BucketCodec}: a whole number in [0, 2^62) as the varint of 2n, else 0x01 and the double. */
        void number(double v) {
            if ((v > 0 || Double.doubleToRawLongBits(v) == 0) && v < 0x1p62 && v == Math.rint(v)) { // -0.0 stays a double
                varint(((long) v) << 1);
            } else {
                b((byte) 1);
                dbl(v);
            }
        }

        void string(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length);
            room(utf8.length);
            System.arraycopy(utf8, 0, buf, pos, utf8.length);
            pos += utf8.length;
        }

        void bytes(ByteBuffer b) {
            int n = b.remaining();
            room(n);
            b.get(buf, pos, n);
            pos += n;
        }

        byte[] done() {
            return Arrays.copyOf(buf, pos);
        }
    }

    private static final class Reader {
        private final byte[] buf;
        private int pos = 1;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        int b() {
            return buf[pos++] & 0xFF;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                byte x = buf[pos++];
                v |= (long) (x & 0x7F) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new IllegalArgumentException("varint longer than 10 bytes at " + pos);
        }

        long zz() {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        double dbl() {
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits = (bits << 8) | (buf[pos++] & 0xFF);
            }
            return Double.longBitsToDouble(bits);
        }

        double number() {
            long first = varint();
            return first == 1 ? dbl() : (double) (first >>> 1);
        }

        String string() {
            int n = (int) varint();
            if (n < 0 || n > buf.length - pos) {
                throw new IllegalArgumentException("a string of " + n + " bytes at " + pos + " of " + buf.length);
            }
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }

        ByteBuffer slice(int n) {
            if (n < 0 || n > buf.length - pos) {
                throw new IllegalArgumentException("a bucket ring of " + n + " bytes at " + pos + " of " + buf.length);
            }
            ByteBuffer b = ByteBuffer.wrap(buf, pos, n).slice();
            pos += n;
            return b;
        }
    }
}
