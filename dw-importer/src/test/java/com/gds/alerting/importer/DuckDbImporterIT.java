package com.gds.alerting.importer;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;

import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.importer.testkit.SwitchableConnections;
import com.gds.alerting.importer.warehouse.ConnectionFactory;

/** The importer end to end into a real DuckDB file. */
class DuckDbImporterIT extends ImporterContractIT {

    @TempDir
    Path dir;
    private String url;
    private SwitchableConnections importerConnections;

    @Override
    String newWarehouse() {
        url = "jdbc:duckdb:" + dir.resolve("warehouse.duckdb");
        importerConnections = new SwitchableConnections(testConnections());
        return url;
    }

    @Override
    ConnectionFactory importerConnections() {
        return importerConnections;
    }

    @Override
    ConnectionFactory testConnections() {
        return () -> DriverManager.getConnection(url);
    }

    @Override
    Map<String, String> warehouseSettings() {
        return Map.of("warehouse.url", url);
    }

    @Override
    void warehouseDown() {
        importerConnections.down();
    }

    @Override
    void warehouseUp() {
        importerConnections.up();
    }
}
