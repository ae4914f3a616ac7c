package com.gds.alerting.importer;

import java.sql.DriverManager;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.gds.alerting.importer.testkit.EmbeddedPostgresServer;
import com.gds.alerting.importer.warehouse.ConnectionFactory;

/** The importer end to end into a real PostgreSQL; the outage is the server really stopping. */
class PostgresImporterIT extends ImporterContractIT {

    private static EmbeddedPostgresServer postgres;
    private String url;

    @BeforeAll
    static void startPostgres() {
        postgres = new EmbeddedPostgresServer();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Override
    String newWarehouse() throws Exception {
        url = postgres.newDatabase();
        return url;
    }

    @Override
    ConnectionFactory importerConnections() {
        return testConnections();
    }

    @Override
    ConnectionFactory testConnections() {
        return () -> DriverManager.getConnection(url, "postgres", "");
    }

    @Override
    Map<String, String> warehouseSettings() {
        return Map.of("warehouse.url", url, "warehouse.user", "postgres");
    }

    @Override
    void warehouseDown() throws Exception {
        postgres.stop();
    }

    @Override
    void warehouseUp() throws Exception {
        postgres.start();
    }

    /** The server is stopped: the test cannot read it either. */
    @Override
    java.util.OptionalLong countWhileDown(String sql) {
        return java.util.OptionalLong.empty();
    }
}
