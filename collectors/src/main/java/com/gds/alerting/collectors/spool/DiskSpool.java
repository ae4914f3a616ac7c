package com.gds.alerting.collectors.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.VersionedAvroCodec;

/**
 * A bounded, append-only, on-disk queue of records on their way to Kafka.
 *
 * <p>Layout: numbered segment files ({@code 0000000000000001.seg}, ...), each a sequence of
 * {@code [int length][int crc32c][payload]}; and {@code committed.pos}, the position up to which
 * every record has been acknowledged by Kafka. Each start writes a new segment, so a torn write
 * from a crash is only ever at the end of an old segment, where it is detected by its CRC and
 * skipped. Segments wholly before the committed position are deleted.
 *
 * <p><b>fsync policy</b>: each {@link #append} (one target's cycle) is written and then forced
 * to disk ({@code FileChannel.force}) before it returns, so a record the agent has accepted
 * survives a crash of the agent or the host. {@code committed.pos} is replaced atomically but not
 * forced: after a host crash it can be behind, which re-sends some records (a duplicate), never
 * loses one.
 *
 * <p><b>Full policy</b>: when the segments on disk would exceed {@code maxBytes}, newly offered
 * records are refused and counted ({@link #droppedCount()}); the oldest are kept, so what is
 * replayed is an unbroken series from the start of the outage. The caller logs the drops.
 */
public final class DiskSpool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DiskSpool.class);
    private static final String SUFFIX = ".seg";
    private static final String COMMITTED = "committed.pos";
    private static final int HEADER = 8;
    private static final int MAX_RECORD = 1 << 20;

    private final Path dir;
    private final VersionedAvroCodec<Metric> codec;
    private final long maxBytes;
    private final long segmentBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appended = lock.newCondition();
    /** segment number → size on disk, for every segment present. */
    private final TreeMap<Long, Long> segments = new TreeMap<>();
    private final AtomicLong appendedCount = new AtomicLong();
    private final AtomicLong droppedCount = new AtomicLong();
    private final AtomicLong corruptCount = new AtomicLong();

    private long writeSegment;
    private FileChannel writeChannel;
    private long writeOffset;
    private long readSegment;
    private long readOffset;
    private FileChannel readChannel;
    private long readChannelSegment = -1;
    private SpoolPosition committed;
    private long liveBytes;

    /**
     * Opens (or creates) the spool in {@code dir}; records left by a previous run are read first.
     *
     * @param maxBytes     bound on the segments' total size
     * @param segmentBytes size at which a new segment is started
     */
    public DiskSpool(Path dir, long maxBytes, long segmentBytes) {
        this(dir, maxBytes, segmentBytes, SpoolRecord.CODEC);
    }

    /** With the {@code Metric} codec of a given release: tests open a spool as the next release would. */
    DiskSpool(Path dir, long maxBytes, long segmentBytes, VersionedAvroCodec<Metric> codec) {
        this.dir = dir;
        this.codec = codec;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        try {
            Files.createDirectories(dir);
            committed = readCommitted();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).toList()) {
                    long n = segmentNumber(p);
                    if (n < committed.segment()) {
                        Files.delete(p);
                    } else {
                        segments.put(n, Files.size(p));
                    }
                }
            }
            liveBytes = segments.values().stream().mapToLong(Long::longValue).sum();
            writeSegment = segments.isEmpty() ? Math.max(1, committed.segment()) : segments.lastKey() + 1;
            if (segments.containsKey(committed.segment())) {
                readSegment = committed.segment();
                readOffset = committed.offset();
            } else {
                readSegment = segments.isEmpty() ? writeSegment : segments.firstKey();
                readOffset = 0;
            }
            openWriteSegment();
            if (liveBytes > 0) {
                LOG.info("spool {}: {} bytes in {} segments left by the previous run will be sent first",
                        dir, liveBytes, segments.size() - 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spool in " + dir, e);
        }
    }

    /** A spool with segments of a sixteenth of the bound (at most 64 MiB). */
    public DiskSpool(Path dir, long maxBytes) {
        this(dir, maxBytes, Math.min(64L << 20, Math.max(64 << 10, maxBytes / 16)));
    }

    /**
     * Appends records and forces them to disk. Records that do not fit under the bound are
     * refused and counted.
     *
     * @return how many were accepted (a prefix of {@code records})
     */
    public int append(List<SpoolRecord> records) {
        List<byte[]> encoded = new ArrayList<>(records.size());
        for (SpoolRecord r : records) {
            encoded.add(r.encode(codec));
        }
        lock.lock();
        try {
            int total = 0;
            int accepted = 0;
            for (byte[] b : encoded) {
                if (b.length > MAX_RECORD || liveBytes + total + HEADER + b.length > maxBytes) {
                    break;
                }
                total += HEADER + b.length;
                accepted++;
            }
            droppedCount.addAndGet(records.size() - accepted);
            if (accepted == 0) {
                return 0;
            }
            if (writeOffset > 0 && writeOffset + total > segmentBytes) {
                rollWriteSegment();
            }
            ByteBuffer buf = ByteBuffer.allocate(total);
            CRC32C crc = new CRC32C();
            for (int i = 0; i < accepted; i++) {
                byte[] b = encoded.get(i);
                crc.reset();
                crc.update(b);
                buf.putInt(b.length).putInt((int) crc.getValue()).put(b);
            }
            buf.flip();
            while (buf.hasRemaining()) {
                writeChannel.write(buf);
            }
            writeChannel.force(false);
            writeOffset += total;
            liveBytes += total;
            segments.put(writeSegment, writeOffset);
            appendedCount.addAndGet(accepted);
            appended.signalAll();
            return accepted;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the spool in " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads up to {@code max} records after the last one read, in the order they were appended.
     * Records read are not removed: they stay until {@link #commit} passes them.
     */
    public List<SpoolEntry> read(int max) {
        List<SpoolEntry> out = new ArrayList<>();
        lock.lock();
        try {
            while (out.size() < max) {
                long limit = readSegment == writeSegment ? writeOffset : segments.getOrDefault(readSegment, 0L);
                if (readOffset + HEADER > limit) {
                    if (readSegment >= writeSegment) {
                        break;
                    }
                    if (readOffset < limit) {
                        skipTornTail(limit);
                    }
                    nextReadSegment();
                    continue;
                }
                FileChannel ch = readChannel();
                ByteBuffer header = ByteBuffer.allocate(HEADER);
                readFully(ch, header, readOffset);
                header.flip();
                int len = header.getInt();
                int crcValue = header.getInt();
                if (len <= 0 || len > MAX_RECORD || readOffset + HEADER + len > limit) {
                    skipTornTail(limit);
                    nextReadSegment();
                    continue;
                }
                ByteBuffer body = ByteBuffer.allocate(len);
                readFully(ch, body, readOffset + HEADER);
                byte[] bytes = body.array();
                CRC32C crc = new CRC32C();
                crc.update(bytes);
                readOffset += HEADER + len;
                if ((int) crc.getValue() != crcValue) {
                    corruptCount.incrementAndGet();
                    LOG.warn("spool segment {} has a corrupt record before offset {}; skipped", readSegment, readOffset);
                    continue;
                }
                try {
                    out.add(new SpoolEntry(SpoolRecord.decode(bytes, codec), new SpoolPosition(readSegment, readOffset)));
                } catch (IOException | RuntimeException e) {
                    corruptCount.incrementAndGet();
                    LOG.warn("spool segment {}: a record before offset {} cannot be decoded ({}); skipped",
                            readSegment, readOffset, e.toString());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spool in " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout} for a record to read; returns whether there is one. */
    public boolean awaitData(Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!hasUnread() && nanos > 0) {
                nanos = appended.awaitNanos(nanos);
            }
            return hasUnread();
        } finally {
            lock.unlock();
        }
    }

    private boolean hasUnread() {
        return readSegment < writeSegment || readOffset < writeOffset;
    }

    /**
     * Marks everything up to {@code position} as delivered: persists it and deletes the segments
     * wholly before it.
     */
    public void commit(SpoolPosition position) {
        lock.lock();
        try {
            if (position.compareTo(committed) <= 0) {
                return;
            }
            committed = position;
            while (!segments.isEmpty() && segments.firstKey() < position.segment()) {
                long n = segments.firstKey();
                liveBytes -= segments.remove(n);
                if (readChannelSegment == n) {
                    closeReadChannel();
                }
                Files.deleteIfExists(segmentPath(n));
            }
            Path tmp = dir.resolve(COMMITTED + ".tmp");
            Files.writeString(tmp, position.segment() + " " + position.offset() + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, dir.resolve(COMMITTED), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the committed position in " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of segments on disk (undelivered records, plus delivered ones in a segment not yet deleted). */
    public long liveBytes() {
        lock.lock();
        try {
            return liveBytes;
        } finally {
            lock.unlock();
        }
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Records accepted since this spool was opened. */
    public long appendedCount() {
        return appendedCount.get();
    }

    /** Records refused because the spool was full, since it was opened. */
    public long droppedCount() {
        return droppedCount.get();
    }

    /** Records skipped because they were damaged on disk (a crash mid-write), since it was opened. */
    public long corruptCount() {
        return corruptCount.get();
    }

    /** The codec records are written and read with. */
    VersionedAvroCodec<Metric> codec() {
        return codec;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeReadChannel();
            if (writeChannel != null) {
                writeChannel.force(false);
                writeChannel.close();
                writeChannel = null;
            }
            if (writeOffset == 0) {
                Files.deleteIfExists(segmentPath(writeSegment));
                segments.remove(writeSegment);
            }
        } catch (IOException e) {
            LOG.warn("closing the spool in {} failed: {}", dir, e.toString());
        } finally {
            lock.unlock();
        }
    }

    private void skipTornTail(long limit) {
        corruptCount.incrementAndGet();
        LOG.warn("spool segment {} ends with {} bytes of an incomplete record (a crash mid-write?); skipped",
                readSegment, limit - readOffset);
    }

    private void nextReadSegment() {
        Long next = segments.higherKey(readSegment);
        readSegment = next == null ? writeSegment : next;
        readOffset = 0;
    }

    private FileChannel readChannel() throws IOException {
        if (readChannelSegment != readSegment) {
            closeReadChannel();
            readChannel = FileChannel.open(segmentPath(readSegment), StandardOpenOption.READ);
            readChannelSegment = readSegment;
        }
        return readChannel;
    }

    private void closeReadChannel() {
        if (readChannel != null) {
            try {
                readChannel.close();
            } catch (IOException e) {
                LOG.debug("closing a spool segment failed: {}", e.toString());
            }
            readChannel = null;
            readChannelSegment = -1;
        }
    }

    private void openWriteSegment() throws IOException {
        writeChannel = FileChannel.open(segmentPath(writeSegment), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        writeOffset = 0;
        segments.put(writeSegment, 0L);
    }

    private void rollWriteSegment() throws IOException {
        writeChannel.force(false);
        writeChannel.close();
        writeSegment++;
        openWriteSegment();
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of spool segment at " + pos);
            }
            pos += n;
        }
    }

    private SpoolPosition readCommitted() throws IOException {
        Path p = dir.resolve(COMMITTED);
        if (!Files.exists(p)) {
            return new SpoolPosition(0, 0);
        }
        String[] parts = Files.readString(p, StandardCharsets.US_ASCII).trim().split(" ");
        try {
            return new SpoolPosition(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            LOG.warn("spool {}: {} is unreadable; replaying every segment present (duplicates possible)", dir, p);
            return new SpoolPosition(0, 0);
        }
    }

    private Path segmentPath(long n) {
        return dir.resolve(String.format("%016d%s", n, SUFFIX));
    }

    private static long segmentNumber(Path p) {
        String name = p.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }
}
