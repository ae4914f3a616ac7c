package com.gds.alerting.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local stack's importer loads the synthetic fleet into the DuckDB file under the data directory. */
class LocalStackImporterIT {

    @TempDir
    Path dataDir;

    @Test
    void loadsTheSyntheticFleetIntoADuckDbFileUnderTheDataDirectory() throws Exception {
        long facts;
        try (LocalStack stack = LocalStack.start(new LocalStackConfig(dataDir, 0, 0, 2, Duration.ofMillis(200), 0.0, 3, 0))) {
            facts = awaitFacts(stack);
        }
        assertTrue(Files.exists(dataDir.resolve(LocalStackImporter.WAREHOUSE_FILE)));
        // Closed cleanly: the file opens again and holds what was committed.
        assertTrue(count("SELECT COUNT(*) FROM fact_metric") >= facts);
        assertEquals(8, count("SELECT COUNT(*) FROM dim_instance"));
    }

    private long awaitFacts(LocalStack stack) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpClient http = HttpClient.newHttpClient();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(
                    "http://localhost:" + stack.importerHttpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : metrics.body().split("\n")) {
                if (line.startsWith("gds_importer_rows_loaded_total{table=\"fact_metric\"}")) {
                    long rows = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
                    if (rows > 0) {
                        return rows;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the local stack's importer loaded nothing within 60 s");
    }

    private long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + LocalStackImporter.warehouseFile(dataDir));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
