package com.gds.alerting.collectors.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.zip.CRC32C;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.VersionedAvroCodec;

/**
 * Where records that cannot be delivered are set aside, in the spool directory:
 * {@code dead-letter/<topic>.dlq} holds the records in the spool's own framing ({@code [length]
 * [crc32c][record]}, readable with {@link DiskSpool}'s format), and {@code dead-letter/reasons.log}
 * one line per topic set aside or taken back, with the time and the reason. Each write is forced to
 * disk: a record leaves the spool only once it is here.
 */
final class DeadLetterFile {

    private final Path dir;
    private final VersionedAvroCodec<Metric> codec;

    DeadLetterFile(Path spoolDir, VersionedAvroCodec<Metric> codec) {
        this.dir = spoolDir.resolve("dead-letter");
        this.codec = codec;
    }

    Path directory() {
        return dir;
    }

    void append(SpoolRecord record) {
        write(dir.resolve(fileName(record.topic()) + ".dlq"), frame(record, codec));
    }

    /** {@code [length][crc32c][record]}, ready to write. */
    static ByteBuffer frame(SpoolRecord record, VersionedAvroCodec<Metric> codec) {
        byte[] b = record.encode(codec);
        CRC32C crc = new CRC32C();
        crc.update(b);
        ByteBuffer buf = ByteBuffer.allocate(8 + b.length).putInt(b.length).putInt((int) crc.getValue()).put(b);
        buf.flip();
        return buf;
    }

    void note(Instant at, String line) {
        write(dir.resolve("reasons.log"), ByteBuffer.wrap((at + " " + line + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    private void write(Path file, ByteBuffer buf) {
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dead letters in " + dir, e);
        }
    }

    /** Topic names are [a-zA-Z0-9._-]; anything else (an invalid name) is replaced. */
    static String fileName(String topic) {
        return topic.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
