package com.gds.alerting.importer.warehouse;

import java.nio.file.Path;
import java.sql.DriverManager;

import org.junit.jupiter.api.io.TempDir;

/**
 * The warehouse contract on a real DuckDB file. DuckDB loads facts with the {@code MERGE} shape
 * the Snowflake dialect generates: the closest this machine gets to running Snowflake's SQL.
 */
class DuckDbWarehouseTest extends WarehouseContract {

    @TempDir
    Path dir;
    private String url;

    @Override
    ConnectionFactory freshDatabase() {
        url = "jdbc:duckdb:" + dir.resolve("warehouse.duckdb");
        return sameDatabase();
    }

    @Override
    ConnectionFactory sameDatabase() {
        return () -> DriverManager.getConnection(url);
    }

    @Override
    SqlDialect dialect() {
        return new DuckDbDialect();
    }
}
