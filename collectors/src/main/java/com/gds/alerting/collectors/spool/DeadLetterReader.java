package com.gds.alerting.collectors.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.VersionedAvroCodec;

/**
 * Reads a dead-letter file ({@code dead-letter/<topic>.dlq}, written by {@link DeadLetterFile}):
 * {@code [length][crc32c][record]} frames from a byte offset on. Stops, without guessing, at the
 * first frame that cannot be trusted: a frame cut short at the end of the file is one the agent is
 * still writing (or a crash cut off) and is left for later; a frame whose checksum or content is
 * wrong is corruption, reported with its offset, since nothing after it can be framed reliably.
 */
public final class DeadLetterReader {

    /** No record in a spool is near this; a length beyond it is a corrupt header, not a record. */
    private static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    /** A record and the offset just after its frame (where reading resumes once it is replayed). */
    public record Letter(SpoolRecord record, long endOffset) {
    }

    /**
     * What could be read.
     *
     * @param letters        the complete, intact records from the start offset on, in file order
     * @param endOffset      the offset after the last intact record
     * @param incompleteTail bytes after {@code endOffset} that do not yet form a whole frame (0 when none)
     * @param corruption     why reading stopped at {@code endOffset} on a damaged frame, or null
     */
    public record Contents(List<Letter> letters, long endOffset, long incompleteTail, String corruption) {
    }

    private final VersionedAvroCodec<Metric> codec;

    public DeadLetterReader() {
        this(SpoolRecord.CODEC);
    }

    DeadLetterReader(VersionedAvroCodec<Metric> codec) {
        this.codec = codec;
    }

    /** Reads {@code file} from {@code fromOffset} (0 for the whole file) to its end. */
    public Contents read(Path file, long fromOffset) throws IOException {
        return read(file, fromOffset, Integer.MAX_VALUE);
    }

    /** Reads at most {@code maxLetters} records of {@code file} from {@code fromOffset}, so a large file is read in parts. */
    public Contents read(Path file, long fromOffset, int maxLetters) throws IOException {
        List<Letter> letters = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long at = fromOffset;
            ByteBuffer header = ByteBuffer.allocate(8);
            while (at < size && letters.size() < maxLetters) {
                if (size - at < 8) {
                    return new Contents(letters, at, size - at, null);
                }
                header.clear();
                readFully(ch, header, at);
                header.flip();
                int length = header.getInt();
                int crc = header.getInt();
                if (length <= 0 || length > MAX_RECORD_BYTES) {
                    return new Contents(letters, at, 0, "a frame header at byte " + at + " gives a length of " + length
                            + " bytes: the file is damaged from there on");
                }
                if (size - at - 8 < length) {
                    return new Contents(letters, at, size - at, null);
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                readFully(ch, body, at + 8);
                CRC32C check = new CRC32C();
                check.update(body.array());
                if ((int) check.getValue() != crc) {
                    return new Contents(letters, at, 0, "the record at byte " + at + " fails its CRC-32C check: the file is"
                            + " damaged from there on");
                }
                SpoolRecord record;
                try {
                    record = SpoolRecord.decode(body.array(), codec);
                } catch (IOException | RuntimeException e) {
                    return new Contents(letters, at, 0, "the record at byte " + at + " cannot be decoded: " + e.getMessage());
                }
                at += 8 + length;
                letters.add(new Letter(record, at));
            }
            return new Contents(letters, at, 0, null);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }
}
