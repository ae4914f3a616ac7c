package com.gds.alerting.localstack;

import java.nio.file.Path;
import java.util.Map;

import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.importer.ImporterConfig;
import com.gds.alerting.importer.WarehouseImporter;

/** The warehouse importer of the local stack: everything it consumes into a DuckDB file under the data directory. */
final class LocalStackImporter {

    /** The DuckDB file, relative to the data directory. */
    static final String WAREHOUSE_FILE = "warehouse.duckdb";
    /** Its read-only copy ({@link WarehouseSnapshots}), relative to the data directory. */
    static final String SNAPSHOT_FILE = "warehouse-snapshot.duckdb";

    private LocalStackImporter() {
    }

    /** Starts the importer; /health and /metrics on {@code port} (0 = a free one) of {@code host} ("" = every interface). */
    static WarehouseImporter start(Path dataDir, String bootstrapServers, Map<String, Object> serdeConfig, String host,
                                   int port) {
        ImporterConfig config = ImporterConfig.parse(Map.of(
                "kafka.bootstrap.servers", bootstrapServers,
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, serdeConfig.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL).toString(),
                "warehouse.url", "jdbc:duckdb:" + warehouseFile(dataDir),
                "importer.retention.days", "7",
                "importer.http.port", Integer.toString(port),
                "importer.http.host", host), "local stack", System::getenv);
        return WarehouseImporter.builder(config).start();
    }

    static Path warehouseFile(Path dataDir) {
        return dataDir.resolve(WAREHOUSE_FILE).toAbsolutePath();
    }

    static Path snapshotFile(Path dataDir) {
        return dataDir.resolve(SNAPSHOT_FILE).toAbsolutePath();
    }
}
