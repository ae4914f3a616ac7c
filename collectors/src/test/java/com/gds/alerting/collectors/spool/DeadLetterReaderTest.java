package com.gds.alerting.collectors.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Metric;

/** Reading dead-letter files: whole records only, a write in progress left for later, damage named with its offset. */
class DeadLetterReaderTest {

    private static final String TOPIC = "gds.metrics.postgresql.prdo";

    private static Metric m(int i) {
        return DeadLetterFixtures.metric("pg-" + i, "up", i, 1_700_000_000_000L + i * 1000L, "prdo");
    }

    @Test
    void readsEveryWholeRecordInOrderAndLeavesAFrameStillBeingWritten(@TempDir Path spool) throws IOException {
        for (int i = 0; i < 3; i++) {
            DeadLetterFixtures.append(spool, TOPIC, m(i));
        }
        Path file = new DeadLetterReplay(spool, Clock.systemUTC()).fileOf(TOPIC);
        byte[] fourth = DeadLetterFixtures.frame(TOPIC, m(3));
        DeadLetterFixtures.appendBytes(file, fourth, 0, 11);

        DeadLetterReader.Contents c = new DeadLetterReader().read(file, 0);
        assertEquals(List.of("pg-0", "pg-1", "pg-2"), c.letters().stream().map(l -> l.record().key()).toList());
        assertEquals(Files.size(file) - 11, c.endOffset());
        assertEquals(11, c.incompleteTail());
        assertNull(c.corruption());

        DeadLetterFixtures.appendBytes(file, fourth, 11, fourth.length);
        DeadLetterReader.Contents rest = new DeadLetterReader().read(file, c.endOffset());
        assertEquals(1, rest.letters().size(), "the finished write is read from where the last read stopped");
        assertEquals(m(3), rest.letters().get(0).record().value());
        assertEquals(0, rest.incompleteTail());
        assertEquals(Files.size(file), rest.endOffset());
    }

    @Test
    void aDamagedRecordStopsTheReadWithItsOffset(@TempDir Path spool) throws IOException {
        for (int i = 0; i < 3; i++) {
            DeadLetterFixtures.append(spool, TOPIC, m(i));
        }
        Path file = new DeadLetterReplay(spool, Clock.systemUTC()).fileOf(TOPIC);
        long second = DeadLetterFixtures.frame(TOPIC, m(0)).length;
        byte[] bytes = Files.readAllBytes(file);
        bytes[(int) second + 20] ^= 0x5a;
        Files.write(file, bytes);

        DeadLetterReader.Contents c = new DeadLetterReader().read(file, 0);
        assertEquals(1, c.letters().size(), "the record before the damage is intact");
        assertEquals(second, c.endOffset());
        assertTrue(c.corruption().contains("byte " + second) && c.corruption().contains("CRC"), c.corruption());

        DeadLetterReplay.Summary s = new DeadLetterReplay(spool, Clock.systemUTC()).summarize(file);
        assertEquals(1, s.records());
        assertTrue(s.corruption().contains("byte " + second), s.corruption());
    }

    @Test
    void aHeaderWithAnImpossibleLengthIsDamageNotAnEndlessRecord(@TempDir Path spool) throws IOException {
        DeadLetterFixtures.append(spool, TOPIC, m(0));
        Path file = new DeadLetterReplay(spool, Clock.systemUTC()).fileOf(TOPIC);
        long end = Files.size(file);
        DeadLetterFixtures.appendBytes(file, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 0, 0, 0, 0}, 0, 8);

        DeadLetterReader.Contents c = new DeadLetterReader().read(file, 0);
        assertEquals(1, c.letters().size());
        assertEquals(0, c.incompleteTail());
        assertTrue(c.corruption().contains("byte " + end) && c.corruption().contains("length"), c.corruption());
    }
}
