package com.gds.alerting.collectors.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import com.gds.alerting.collectors.TestPostgres;
import com.gds.alerting.collectors.source.JdbcSession;
import com.gds.alerting.collectors.source.Sample;

/** The PostgreSQL collector against a real PostgreSQL, its figures checked against SQL truth. */
class PostgresCollectorIT {

    private static TestPostgres pg;

    @BeforeAll
    static void start() {
        pg = TestPostgres.start(100);
        pg.execute("CREATE TABLE churn (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false)");
        pg.execute("INSERT INTO churn SELECT g, 'x' FROM generate_series(1, 2000) g");
        pg.execute("DELETE FROM churn WHERE id <= 1500");
        pg.execute("SELECT pg_stat_force_next_flush()");
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    private static JdbcSession session() {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return new JdbcSession(pg.jdbcUrl(), () -> p, Duration.ofSeconds(5));
    }

    @Test
    void connectionAndOldestTransactionMetricsMatchWhatPostgresSays() throws Exception {
        List<Connection> held = new ArrayList<>();
        try (JdbcSession session = session()) {
            for (int i = 0; i < 5; i++) {
                held.add(pg.connect());
            }
            // Two sessions hold a transaction open and idle: what a DBA hunts for.
            for (Connection c : held.subList(0, 2)) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT txid_current()");
                }
            }
            try (Connection truth = pg.connect()) {
                session.connection(); // counted by both sides
                double oldestBefore = scalar(truth, "SELECT extract(epoch FROM max(now() - xact_start)) FROM pg_stat_activity "
                        + "WHERE state = 'idle in transaction'");
                List<Sample> samples = new PostgresCollector(session).collect();
                double oldestAfter = scalar(truth, "SELECT extract(epoch FROM max(clock_timestamp() - xact_start)) FROM pg_stat_activity "
                        + "WHERE state = 'idle in transaction'");
                double used = scalar(truth, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'");
                double max = scalar(truth, "SELECT current_setting('max_connections')::int");

                assertEquals(used, value(samples, "connections_used"), "client backends, the collector's and ours included");
                assertEquals(max, value(samples, "connections_max"));
                assertEquals(used / max, value(samples, "connections_used_ratio"), 1e-9);
                assertEquals(2, value(samples, "idle_in_transaction_count"));
                assertEquals(2, value(samples, "connections", "state", "idle_in_transaction"));
                double longestTx = value(samples, "longest_transaction_seconds");
                assertTrue(longestTx >= oldestBefore && longestTx <= oldestAfter,
                        "oldest transaction " + longestTx + " within SQL truth [" + oldestBefore + ", " + oldestAfter + "]");
                double oldestIdle = value(samples, "idle_in_transaction_oldest_seconds");
                assertTrue(oldestIdle > 0 && oldestIdle <= oldestAfter, "idle in transaction for " + oldestIdle);
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }

    @Test
    void aWaitingLockAndALongQueryAreSeen() throws Exception {
        try (JdbcSession session = session(); Connection holder = pg.connect(); Connection waiter = pg.connect()) {
            pg.execute("CREATE TABLE IF NOT EXISTS locked (id int)");
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE");
            }
            Thread blocked = new Thread(() -> {
                try (Statement st = waiter.createStatement()) {
                    st.execute("SELECT count(*) FROM locked");
                } catch (SQLException expectedWhenReleased) {
                    // ends when the holder rolls back
                }
            });
            blocked.start();
            try (Connection truth = pg.connect()) {
                com.gds.alerting.collectors.Await.until(Duration.ofSeconds(20), () -> {
                    try {
                        return scalar(truth, "SELECT count(*) FROM pg_locks WHERE NOT granted") > 0;
                    } catch (SQLException e) {
                        return false;
                    }
                }, () -> "the second session never waited on the lock");
                List<Sample> samples = new PostgresCollector(session).collect();
                assertTrue(value(samples, "locks_waiting") >= 1);
                assertTrue(value(samples, "longest_query_seconds") > 0, "the blocked query is active");
            } finally {
                holder.rollback();
                blocked.join();
            }
        }
    }

    @Test
    void publishesTheDatabaseWideSetOnAPrimary() throws Exception {
        try (JdbcSession session = session()) {
            List<Sample> samples = new PostgresCollector(session).collect();
            Set<String> names = samples.stream().map(Sample::name).collect(Collectors.toSet());
            // A primary without slots or standbys: everything but replica lag and per-slot/standby series.
            // cache_hit_ratio, role_changed and wal_bytes_per_second need a previous cycle; standbys_streaming
            // is 0 and published; so are the slot and standby xmin ages (0: nothing holds the horizon back).
            // Not configured here: archiving, expected standbys, pg_stat_statements.
            Set<String> expected = PostgresCollector.METRICS.stream()
                    .filter(n -> !n.startsWith("replication_lag") && !n.startsWith("standby_replay") && !n.startsWith("replication_slot_")
                            && !n.startsWith("wal_receiver") && !n.equals("wal_replay_position_bytes")
                            && !n.equals("cache_hit_ratio") && !n.equals("role_changed") && !n.equals("wal_bytes_per_second")
                            && !n.startsWith("archiver_") && !n.startsWith("expected_standby") && !n.startsWith("statement_"))
                    .collect(Collectors.toSet());
            expected.add("replication_slot_xmin_age");
            assertEquals(expected, names);
            assertEquals(0, value(samples, "is_replica"));
            assertTrue(value(samples, "database_size_bytes", "database", "postgres") > 1_000_000);
            assertTrue(value(samples, "xid_wraparound_age", "database", "postgres") > 0);
            double dead = value(samples, "dead_tuple_ratio", "table", "public.churn");
            assertEquals(0.75, dead, 0.01, "1500 of 2000 rows deleted and not vacuumed");
            assertEquals(1, value(samples, "collector_permission_ok"), "postgres is a superuser");
            assertEquals(0, value(samples, "standbys_streaming"));
        }
    }

    @Test
    void cacheHitRatioCoversOnlyTheLastIntervalAndTheRawCountersArePublished() throws Exception {
        try (JdbcSession session = session(); Connection truth = pg.connect()) {
            PostgresCollector collector = new PostgresCollector(session);
            double[] before = blocks(truth);
            List<Sample> first = collector.collect();
            double[] between = blocks(truth);
            assertTrue(first.stream().noneMatch(s -> s.name().equals("cache_hit_ratio")),
                    "no previous counters on the first cycle: no ratio, rather than a lifetime one");
            double hit1 = value(first, "blks_hit_total", "database", "postgres");
            double read1 = value(first, "blks_read_total", "database", "postgres");
            assertTrue(hit1 >= before[0] && hit1 <= between[0], "blks_hit " + hit1 + " within SQL truth");
            assertTrue(read1 >= before[1] && read1 <= between[1], "blks_read " + read1 + " within SQL truth");

            pg.execute("SELECT count(*) FROM churn");
            pg.execute("SELECT pg_stat_force_next_flush()");
            List<Sample> second = collector.collect();
            double hit2 = value(second, "blks_hit_total", "database", "postgres");
            double read2 = value(second, "blks_read_total", "database", "postgres");
            double expected = (hit2 - hit1) / ((hit2 - hit1) + (read2 - read1));
            assertEquals(expected, value(second, "cache_hit_ratio", "database", "postgres"), 1e-12,
                    "hits among the blocks accessed since the previous cycle, not since the server started");
        }
    }

    @Test
    void aRoleWithoutPgMonitorPublishesNoFigureItCannotSeeWholeAndSaysWhatIsMissing() throws Exception {
        pg.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'plain') THEN CREATE ROLE plain LOGIN; END IF; END $$");
        Logger logger = (Logger) LoggerFactory.getLogger(PostgresCollector.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        List<Connection> held = new ArrayList<>();
        Properties p = new Properties();
        p.setProperty("user", "plain");
        try (JdbcSession session = new JdbcSession(pg.jdbcUrl(), () -> p, Duration.ofSeconds(5));
             Connection truth = pg.connect()) {
            for (int i = 0; i < 3; i++) {
                held.add(pg.connect());
            }
            held.get(0).setAutoCommit(false);
            try (Statement st = held.get(0).createStatement()) {
                st.execute("SELECT txid_current()");
            }
            // What the unprivileged role would have reported: only its own session.
            try (Connection asPlain = java.sql.DriverManager.getConnection(pg.jdbcUrl(), p)) {
                assertEquals(1, scalar(asPlain, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                        + "AND query IS DISTINCT FROM '<insufficient privilege>'"), "PostgreSQL hides the others' sessions");
            }
            assertTrue(scalar(truth, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'") >= 4);

            PostgresCollector collector = new PostgresCollector(session, "pg-plain");
            List<Sample> samples = collector.collect();
            collector.collect();

            assertEquals(0, value(samples, "collector_permission_ok", "missing", "pg_monitor"));
            Set<String> names = samples.stream().map(Sample::name).collect(Collectors.toSet());
            for (String hidden : List.of("connections_used", "connections_used_ratio", "connections", "idle_in_transaction_count",
                    "idle_in_transaction_oldest_seconds", "longest_query_seconds", "longest_transaction_seconds",
                    "standbys_streaming", "standby_replay_lag_seconds")) {
                assertFalse(names.contains(hidden), hidden + " would be a partial figure; it must not be published");
            }
            assertTrue(names.contains("xact_commit_total") && names.contains("locks_waiting"), "what it sees whole still is");
            List<String> warnings = logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warnings.size(), "logged once, not every cycle: " + warnings);
            assertTrue(warnings.get(0).contains("pg-plain") && warnings.get(0).contains("'plain'")
                    && warnings.get(0).contains("GRANT pg_monitor TO \"plain\""), warnings.get(0));

            pg.execute("GRANT pg_monitor TO plain");
            String sessions = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'";
            double before = scalar(truth, sessions);
            List<Sample> granted = collector.collect();
            double after = scalar(truth, sessions);
            assertEquals(1, value(granted, "collector_permission_ok"));
            double used = value(granted, "connections_used");
            // The GRANT's own session may still be closing: SQL truth is read on both sides.
            assertTrue(used >= 5 && used >= Math.min(before, after) && used <= Math.max(before, after),
                    "every session once the grant is there (3 held, ours, the collector's): " + used
                            + ", SQL says " + before + " then " + after);
        } finally {
            logger.detachAppender(logs);
            for (Connection c : held) {
                c.close();
            }
            pg.execute("REVOKE pg_monitor FROM plain");
        }
    }

    @Test
    void aReplicationSlotAndTheWalItRetainsAreReported() throws Exception {
        pg.execute("SELECT pg_create_physical_replication_slot('gds_test_slot', true)");
        try (JdbcSession session = session()) {
            pg.execute("CREATE TABLE IF NOT EXISTS wal_filler AS SELECT g FROM generate_series(1, 10000) g");
            List<Sample> samples = new PostgresCollector(session).collect();
            assertEquals(0, value(samples, "replication_slot_active", "slot", "gds_test_slot"));
            assertEquals(1, value(samples, "replication_slots_inactive"));
            assertTrue(value(samples, "replication_slot_retained_wal_bytes", "slot", "gds_test_slot") > 0);
        } finally {
            pg.execute("SELECT pg_drop_replication_slot('gds_test_slot')");
        }
    }

    @Test
    void checkpointCountersComeFromTheViewOfTheServersVersion() {
        assertTrue(PostgresQueries.checkpoints(170000).contains("pg_stat_checkpointer"), "PostgreSQL 17+");
        assertTrue(PostgresQueries.checkpoints(120000).contains("pg_stat_bgwriter"), "PostgreSQL 12-16");
    }

    private static double[] blocks(Connection c) throws SQLException {
        return new double[] {scalar(c, "SELECT blks_hit FROM pg_stat_database WHERE datname = 'postgres'"),
                scalar(c, "SELECT blks_read FROM pg_stat_database WHERE datname = 'postgres'")};
    }

    private static double scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    static double value(List<Sample> samples, String name) {
        return only(samples.stream().filter(s -> s.name().equals(name) && s.tags().isEmpty()).toList(), name);
    }

    static double value(List<Sample> samples, String name, String tag, String tagValue) {
        return only(samples.stream().filter(s -> s.name().equals(name) && tagValue.equals(s.tags().get(tag))).toList(),
                name + "{" + tag + "=" + tagValue + "}");
    }

    private static double only(List<Sample> found, String what) {
        assertEquals(1, found.size(), what + " exactly once in " + found);
        return found.get(0).value();
    }

}
