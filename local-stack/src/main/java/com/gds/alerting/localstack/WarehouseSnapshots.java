package com.gds.alerting.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the local stack's warehouse, at an interval, to a snapshot file anyone can open while the
 * stack runs. The warehouse file itself cannot be opened then: the importer's DuckDB holds its
 * lock, and it is written in the storage format of the DuckDB inside the importer, which older
 * DuckDB CLIs and Python packages refuse. The snapshot is written in storage format {@value
 * #STORAGE_VERSION} (read by every DuckDB since 1.0), to a temporary file then renamed over the
 * previous one, so a reader sees a whole snapshot or the one before, never half of one.
 *
 * <p>It reads through a connection of this JVM: DuckDB's JDBC driver shares one database instance
 * per file within a process, so this connection sees what the importer committed, without a lock
 * conflict, in one consistent read transaction.
 */
final class WarehouseSnapshots implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WarehouseSnapshots.class);
    /** The storage format the snapshot is written in: the oldest DuckDB can write, read by 1.0 and later. */
    static final String STORAGE_VERSION = "v1.0.0";
    private static final String ALIAS = "gds_snapshot";

    private final Path warehouse;
    private final Path target;
    private final Path temporary;
    private final ScheduledExecutorService timer;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private Connection connection;

    private WarehouseSnapshots(Path warehouse, Path target, ScheduledExecutorService timer) {
        this.warehouse = warehouse;
        this.target = target;
        this.temporary = target.resolveSibling(target.getFileName() + ".tmp");
        this.timer = timer;
    }

    /** Takes a snapshot every {@code interval}, the first one an interval from now. */
    static WarehouseSnapshots start(Path warehouse, Path target, Duration interval) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "warehouse-snapshots");
            t.setDaemon(true);
            return t;
        });
        WarehouseSnapshots snapshots = new WarehouseSnapshots(warehouse, target, timer);
        timer.scheduleWithFixedDelay(snapshots::takeLogged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return snapshots;
    }

    /** The snapshot file. */
    Path target() {
        return target;
    }

    /** Snapshots written so far. */
    long written() {
        return written.get();
    }

    /** Snapshots that failed so far (each logged at WARN with its cause). */
    long failed() {
        return failed.get();
    }

    /** Takes one snapshot now, on the snapshot thread; returns when it is in place. */
    void takeNow() throws SQLException, IOException {
        try {
            timer.submit(() -> {
                take();
                return null;
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while taking a snapshot", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void takeLogged() {
        try {
            take();
        } catch (SQLException | IOException | RuntimeException e) {
            long failures = failed.incrementAndGet();
            LOG.warn("warehouse snapshot {} failed ({} failure(s) so far; the previous snapshot stays): {}", target,
                    failures, e.toString());
        }
    }

    private void take() throws SQLException, IOException {
        long started = System.nanoTime();
        Files.deleteIfExists(temporary);
        Files.deleteIfExists(temporary.resolveSibling(temporary.getFileName() + ".wal"));
        try (Statement s = connection().createStatement()) {
            String source = currentDatabase(s);
            s.execute("ATTACH " + literal(temporary.toString()) + " AS " + ALIAS + " (STORAGE_VERSION '" + STORAGE_VERSION + "')");
            try {
                s.execute("COPY FROM DATABASE " + identifier(source) + " TO " + ALIAS);
                s.execute("CHECKPOINT " + ALIAS);
            } finally {
                s.execute("DETACH " + ALIAS);
            }
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (written.incrementAndGet() == 1) {
            LOG.info("warehouse snapshot written to {} in {} ms; open it with: duckdb -readonly {}", target,
                    (System.nanoTime() - started) / 1_000_000, target);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection("jdbc:duckdb:" + warehouse);
        }
        return connection;
    }

    private static String currentDatabase(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** Stops taking snapshots and releases the connection (the last snapshot stays on disk). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("a warehouse snapshot still runs after 30 s; closing its connection under it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.warn("closing the snapshot connection failed: {}", e.toString());
            }
        }
    }
}
