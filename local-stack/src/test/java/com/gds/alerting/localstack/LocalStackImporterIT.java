package com.gds.alerting.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's importer loads the synthetic fleet into the DuckDB file under the data
 * directory, and the snapshots make it readable while the stack runs.
 */
class LocalStackImporterIT {

    /** The storage version number DuckDB 1.0 to 1.1 write, and every DuckDB since 1.0 reads. */
    private static final long STORAGE_VERSION_V1_0 = 64;

    @TempDir
    Path dataDir;

    @Test
    void whileRunningTheSnapshotHoldsWhatTheImporterLoadedInAFormatDuckDb1Reads() throws Exception {
        long facts;
        // A long interval: the test takes the snapshots itself.
        try (LocalStack stack = LocalStack.start(LocalStackConfig.parse("--data-dir", dataDir.toString(), "--kafka-port", "0",
                "--registry-port", "0", "--http-port", "0", "--importer-port", "0", "--instances-per-type", "2",
                "--interval", "200ms", "--incident-probability", "0", "--seed", "3", "--rules", LocalStackIT.PACKS.toString(),
                "--snapshot-interval", "1h"))) {
            Path snapshot = stack.snapshots().target();
            assertEquals(dataDir.resolve(LocalStackImporter.SNAPSHOT_FILE).toAbsolutePath(), snapshot);
            facts = awaitFactsInSnapshot(stack.snapshots());
            assertEquals(STORAGE_VERSION_V1_0, storageVersion(snapshot), "header of " + snapshot);
            assertEquals(8, count(snapshot, true, "SELECT COUNT(*) FROM dim_instance"));

            // A reader of the previous snapshot keeps reading it while the next one replaces it.
            try (Connection reader = open(snapshot, true)) {
                stack.snapshots().takeNow();
                assertEquals(facts, countOn(reader, "SELECT COUNT(*) FROM fact_metric"));
            }
            assertTrue(count(snapshot, true, "SELECT COUNT(*) FROM fact_metric") >= facts);
            assertTrue(Files.notExists(snapshot.resolveSibling(snapshot.getFileName() + ".tmp")), "no temporary file left");
        }
        // Closed cleanly: the warehouse itself opens again and holds at least what the snapshot held.
        assertTrue(count(LocalStackImporter.warehouseFile(dataDir), false, "SELECT COUNT(*) FROM fact_metric") >= facts);
    }

    private static long awaitFactsInSnapshot(WarehouseSnapshots snapshots) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            snapshots.takeNow();
            long facts = count(snapshots.target(), true, "SELECT COUNT(*) FROM fact_metric");
            if (facts > 0) {
                return facts;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no fact in the warehouse snapshot within 60 s");
    }

    /** The storage version number in a DuckDB file's main header: 8 bytes checksum, "DUCK", then a little-endian uint64. */
    private static long storageVersion(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] header = in.readNBytes(20);
            assertEquals("DUCK", new String(header, 8, 4, java.nio.charset.StandardCharsets.US_ASCII));
            return ByteBuffer.wrap(header, 12, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
    }

    private static Connection open(Path file, boolean readOnly) throws Exception {
        Properties props = new Properties();
        if (readOnly) {
            props.setProperty("duckdb.read_only", "true");
        }
        return DriverManager.getConnection("jdbc:duckdb:" + file, props);
    }

    private static long count(Path file, boolean readOnly, String sql) throws Exception {
        try (Connection c = open(file, readOnly)) {
            return countOn(c, sql);
        }
    }

    private static long countOn(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
