package com.gds.alerting.importer.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warehouse behind one JDBC connection: on first use (and after every failure) it connects,
 * applies the migrations and creates its session-local staging tables; each {@link #load} is one
 * transaction (empty staging, bulk-stage, merge every table, commit), so when it returns the
 * batch is durable and when it throws nothing of it is.
 *
 * <p>Not thread-safe: the importer's consumer thread is its only user.
 */
public final class JdbcWarehouse implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcWarehouse.class);

    private final ConnectionFactory connections;
    private final SqlDialect dialect;
    private final BulkStager stager;
    private final String location;
    private final Clock clock;
    private Connection connection;

    /**
     * @param connections opens connections (credentials stay inside it)
     * @param dialect     the target's dialect
     * @param location    where the warehouse is, for messages: no credentials
     * @param clock       load time of the rows
     */
    public JdbcWarehouse(ConnectionFactory connections, SqlDialect dialect, String location, Clock clock) {
        this.connections = connections;
        this.dialect = dialect;
        this.stager = dialect.stager();
        this.location = location;
        this.clock = clock;
    }

    /** The dialect in use. */
    public SqlDialect dialect() {
        return dialect;
    }

    /** Where the warehouse is (no credentials). */
    public String location() {
        return location;
    }

    /** Connects and migrates now rather than on the first batch. */
    public void connect() throws WarehouseUnavailableException {
        try {
            connection();
        } catch (SQLException e) {
            throw unavailable("connect to", e);
        }
    }

    /** Loads {@code rows} in one transaction; durable when this returns. */
    public void load(StagedRows rows) throws WarehouseUnavailableException {
        if (rows.isEmpty()) {
            return;
        }
        Instant loadTime = clock.instant();
        try {
            Connection c = connection();
            try (Statement statement = c.createStatement()) {
                for (Map.Entry<TableSpec, List<Object[]>> entry : rows.rows().entrySet()) {
                    TableSpec table = entry.getKey();
                    long t0 = System.nanoTime();
                    statement.execute(dialect.clearStaging(table));
                    stager.stage(c, table, entry.getValue());
                    long t1 = System.nanoTime();
                    statement.execute(dialect.mergeFromStaging(table, loadTime));
                    if (LOG.isDebugEnabled()) {
                        LOG.debug("{}: {} rows staged in {} ms, merged in {} ms", table.name(), entry.getValue().size(),
                                (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
                    }
                }
            }
            long t2 = System.nanoTime();
            c.commit();
            LOG.debug("committed in {} ms", (System.nanoTime() - t2) / 1_000_000);
        } catch (SQLException | RuntimeException e) {
            if (WarehouseErrors.isDataRefusal(e) && rollback()) {
                throw new WarehouseRefusedBatchException(unavailable("load a batch into", e).getMessage(), e);
            }
            discardConnection();
            throw unavailable("load a batch into", e);
        }
    }

    /** Rolls the open transaction back, keeping the connection; false (and the connection dropped) if that fails. */
    private boolean rollback() {
        if (connection == null) {
            return false;
        }
        try {
            connection.rollback();
            return true;
        } catch (SQLException e) {
            LOG.debug("rollback after a refused batch failed: {}", e.toString());
            discardConnection();
            return false;
        }
    }

    /** Deletes facts whose event time is before {@code cutoff}; returns the rows deleted. */
    public long purgeOlderThan(Instant cutoff) throws WarehouseUnavailableException {
        try {
            Connection c = connection();
            long deleted = 0;
            try (Statement statement = c.createStatement()) {
                for (StarSchema.PurgeTarget target : StarSchema.PURGEABLE) {
                    deleted += statement.executeUpdate(dialect.purge(target, cutoff));
                }
            }
            c.commit();
            return deleted;
        } catch (SQLException | RuntimeException e) {
            discardConnection();
            throw unavailable("purge old facts in", e);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = connections.open();
            try {
                int version = Migrations.apply(c, dialect, clock);
                c.setAutoCommit(true);
                // Staging tables are created outside the batch transaction: Snowflake commits DDL implicitly.
                try (Statement statement = c.createStatement()) {
                    for (TableSpec table : StarSchema.TABLES) {
                        statement.execute(dialect.createStagingTable(table));
                    }
                }
                c.setAutoCommit(false);
                LOG.info("connected to {} at {} (schema version {})", dialect.name(), location, version);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c);
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    private WarehouseUnavailableException unavailable(String what, Exception e) {
        String state = e instanceof SQLException sql && sql.getSQLState() != null ? " [SQL state " + sql.getSQLState() + "]" : "";
        return new WarehouseUnavailableException("could not " + what + " " + dialect.name() + " at " + location + state
                + ": " + e.getMessage(), e);
    }

    private void discardConnection() {
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                LOG.debug("rollback after a failed batch failed too: {}", e.toString());
            }
            closeQuietly(connection);
            connection = null;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a warehouse connection failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }
}
