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

    private LocalStackImporter() {
    }

    /** Starts the importer; /health and /metrics on a free port (see {@link WarehouseImporter#httpPort()}). */
    static WarehouseImporter start(Path dataDir, String bootstrapServers, Map<String, Object> serdeConfig) {
        return start(dataDir, bootstrapServers, serdeConfig, "localhost");
    }

    /** As {@link #start(Path, String, Map)}, its HTTP port listening on {@code host} ("" = every interface). */
    static WarehouseImporter start(Path dataDir, String bootstrapServers, Map<String, Object> serdeConfig, String host) {
        ImporterConfig config = ImporterConfig.parse(Map.of(
                "kafka.bootstrap.servers", bootstrapServers,
                AvroSerdeConfig.SCHEMA_REGISTRY_URL, serdeConfig.get(AvroSerdeConfig.SCHEMA_REGISTRY_URL).toString(),
                "warehouse.url", "jdbc:duckdb:" + warehouseFile(dataDir),
                "importer.retention.days", "7",
                "importer.http.port", "0",
                "importer.http.host", host), "local stack", System::getenv);
        return WarehouseImporter.builder(config).start();
    }

    static Path warehouseFile(Path dataDir) {
        return dataDir.resolve(WAREHOUSE_FILE).toAbsolutePath();
    }
}
