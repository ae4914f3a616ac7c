package com.gds.alerting.importer.warehouse;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and migrates the star schema: the versions already applied are recorded in {@value
 * #VERSION_TABLE}; the missing ones run in order, in one transaction (on PostgreSQL and DuckDB;
 * Snowflake commits each DDL statement by itself, and every statement here is idempotent).
 */
public final class Migrations {

    /** Table of applied versions. */
    public static final String VERSION_TABLE = "gds_schema_version";

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    /** Every migration, oldest first. Add new ones at the end; never edit a released one. */
    public static final List<Migration> ALL = List.of(
            new Migration(1, "star schema: dim_instance, dim_metric, fact_metric, fact_alert_event",
                    dialect -> StarSchema.TABLES.stream().map(dialect::createTable).toList()));

    private Migrations() {
    }

    /** The newest version. */
    public static int latestVersion() {
        return ALL.get(ALL.size() - 1).version();
    }

    /** Applies the missing migrations; returns the schema version now in place. */
    public static int apply(Connection connection, SqlDialect dialect, Clock clock) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + VERSION_TABLE + " (version INTEGER NOT NULL PRIMARY KEY, "
                    + "description " + dialect.typeName(ColumnType.VARCHAR) + " NOT NULL, applied_at "
                    + dialect.typeName(ColumnType.TIMESTAMP) + " NOT NULL)");
            connection.commit();
            String lock = dialect.lockForMigration(VERSION_TABLE);
            if (lock != null) {
                statement.execute(lock);
            }
            int current = currentVersion(statement);
            for (Migration migration : ALL) {
                if (migration.version() <= current) {
                    continue;
                }
                for (String sql : migration.statements().apply(dialect)) {
                    statement.execute(sql);
                }
                statement.execute("INSERT INTO " + VERSION_TABLE + " (version, description, applied_at) VALUES ("
                        + migration.version() + ", '" + migration.description().replace("'", "''") + "', "
                        + dialect.timestampLiteral(clock.instant()) + ")");
                LOG.info("{} schema migrated to version {}: {}", dialect.name(), migration.version(), migration.description());
                current = migration.version();
            }
            connection.commit();
            return current;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static int currentVersion(Statement statement) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT MAX(version) FROM " + VERSION_TABLE)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
