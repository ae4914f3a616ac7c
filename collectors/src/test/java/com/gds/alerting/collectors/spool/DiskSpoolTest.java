package com.gds.alerting.collectors.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;

class DiskSpoolTest {

    private static SpoolRecord record(int i) {
        Metric m = new Metric(Instant.ofEpochMilli(1_000L * i), "postgresql", "pg-" + (i % 3), "up", (double) i,
                Map.of("environment", "prod"), new MetricMetadata(5L, "test", "c" + i));
        return new SpoolRecord("gds.metrics.postgresql.prod", m.getInstanceId(), m);
    }

    private static List<SpoolRecord> records(int from, int to) {
        List<SpoolRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(record(i));
        }
        return out;
    }

    private static List<Double> values(List<SpoolEntry> entries) {
        return entries.stream().map(e -> e.record().value().getValue()).toList();
    }

    @Test
    void recordsComeBackInOrderAcrossSegmentsAndSurviveARestartUntilCommitted(@TempDir Path dir) {
        List<SpoolEntry> firstRead;
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20, 1024)) {
            for (int i = 0; i < 100; i += 10) {
                assertEquals(10, spool.append(records(i, i + 10)));
            }
            firstRead = spool.read(40);
            assertEquals(40, firstRead.size());
            assertEquals(0.0, firstRead.get(0).record().value().getValue());
            spool.commit(firstRead.get(29).end());
        }
        try (DiskSpool reopened = new DiskSpool(dir, 1 << 20, 1024)) {
            List<SpoolEntry> rest = reopened.read(1000);
            assertEquals(70, rest.size(), "everything after the committed position, read or not");
            assertEquals(30.0, rest.get(0).record().value().getValue());
            assertEquals(99.0, rest.get(69).record().value().getValue());
            assertEquals(record(42), rest.get(12).record(), "the record round-trips intact");
        }
    }

    @Test
    void committedSegmentsAreDeleted(@TempDir Path dir) throws IOException {
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20, 512)) {
            for (int i = 0; i < 50; i += 5) {
                spool.append(records(i, i + 5));
            }
            long before = segmentCount(dir);
            assertTrue(before > 3, "small segments roll: " + before);
            List<SpoolEntry> all = spool.read(1000);
            spool.commit(all.get(all.size() - 1).end());
            assertEquals(1, segmentCount(dir), "only the segment being written remains");
        }
    }

    @Test
    void aFullSpoolRefusesAndCountsNewRecordsAndKeepsTheOldest(@TempDir Path dir) {
        try (DiskSpool spool = new DiskSpool(dir, 2_000, 1_000)) {
            int accepted = 0;
            for (int i = 0; i < 100; i += 10) {
                accepted += spool.append(records(i, i + 10));
            }
            assertTrue(accepted > 0 && accepted < 100);
            assertEquals(100 - accepted, spool.droppedCount());
            assertTrue(spool.liveBytes() <= 2_000);
            List<SpoolEntry> kept = spool.read(1000);
            assertEquals(accepted, kept.size());
            assertEquals(0.0, kept.get(0).record().value().getValue(), "the oldest are kept");
            spool.commit(kept.get(kept.size() - 1).end());
            assertEquals(10, spool.append(records(100, 110)), "room again once delivered");
        }
    }

    @Test
    void aRecordTornByACrashIsSkippedAndTheRestIsRead(@TempDir Path dir) throws IOException {
        try (DiskSpool spool = new DiskSpool(dir, 1 << 20, 1 << 20)) {
            spool.append(records(0, 5));
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        long size = Files.size(segment);
        try (var ch = java.nio.channels.FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(size - 7);
        }
        try (DiskSpool reopened = new DiskSpool(dir, 1 << 20, 1 << 20)) {
            reopened.append(records(5, 7));
            assertEquals(List.of(0.0, 1.0, 2.0, 3.0, 5.0, 6.0), values(reopened.read(100)));
            assertEquals(1, reopened.corruptCount());
        }
    }

    private static long segmentCount(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".seg")).count();
        }
    }
}
