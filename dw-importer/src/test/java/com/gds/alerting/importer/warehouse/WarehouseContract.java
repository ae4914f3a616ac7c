package com.gds.alerting.importer.warehouse;

import static com.gds.alerting.importer.warehouse.WarehouseRows.T0;
import static com.gds.alerting.importer.warehouse.WarehouseRows.event;
import static com.gds.alerting.importer.warehouse.WarehouseRows.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every target must do, run against each real database that runs here. Subclasses give a
 * fresh, empty database per test.
 */
abstract class WarehouseContract {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(T0).plus(Duration.ofDays(30)), ZoneOffset.UTC);

    private JdbcWarehouse warehouse;

    /** Opens connections to this test's fresh database. */
    abstract ConnectionFactory freshDatabase() throws Exception;

    abstract SqlDialect dialect();

    /** Connections to the same database as the last {@link #freshDatabase()}. */
    abstract ConnectionFactory sameDatabase();

    @BeforeEach
    void openWarehouse() throws Exception {
        warehouse = new JdbcWarehouse(freshDatabase(), dialect(), "test", CLOCK);
    }

    @AfterEach
    void closeWarehouse() {
        warehouse.close();
    }

    @Test
    void migratesOnceAndRecordsTheVersion() throws Exception {
        warehouse.connect();
        try (JdbcWarehouse second = new JdbcWarehouse(sameDatabase(), dialect(), "test", CLOCK)) {
            second.connect();
        }
        assertEquals(1, count("SELECT COUNT(*) FROM " + Migrations.VERSION_TABLE));
        assertEquals(Migrations.latestVersion(), count("SELECT MAX(version) FROM " + Migrations.VERSION_TABLE));
    }

    @Test
    void loadsEveryFactOnceEvenWhenTheSameBatchIsLoadedAgain() throws Exception {
        warehouse.load(WarehouseRows.metrics(3, 4, 5, T0));
        warehouse.load(WarehouseRows.metrics(3, 4, 5, T0));

        assertEquals(60, count("SELECT COUNT(*) FROM fact_metric"));
        assertEquals(3, count("SELECT COUNT(*) FROM dim_instance"));
        assertEquals(4, count("SELECT COUNT(*) FROM dim_metric WHERE unit = 'ratio'"));
        assertEquals(60, count("SELECT COUNT(*) FROM fact_metric f JOIN dim_instance i ON i.instance_key = f.instance_key"
                + " JOIN dim_metric m ON m.metric_key = f.metric_key"), "every fact joins its dimensions");
    }

    @Test
    void dimensionsKeepTheFirstAndLastTimeAnInstanceWasSeen() throws Exception {
        StarRowsBuilder b = new StarRowsBuilder();
        b.add(metric("pg-prod-01", "up", T0 + 10_000, 1));
        warehouse.load(b.build());
        b.add(metric("pg-prod-01", "up", T0 + 20_000, 1));
        b.add(metric("pg-prod-01", "up", T0, 1)); // late arrival
        warehouse.load(b.build());

        assertEquals(utc(T0), timestamp("SELECT first_seen FROM dim_instance"));
        assertEquals(utc(T0 + 20_000), timestamp("SELECT last_seen FROM dim_instance"));
        assertEquals(3, count("SELECT COUNT(*) FROM fact_metric"));
        assertEquals(utc(CLOCK.millis()), timestamp("SELECT MIN(loaded_at) FROM fact_metric"));
    }

    @Test
    void keepsEveryAlertTransitionOnceIncludingSymbolsItHasNeverHeardOf() throws Exception {
        StarRowsBuilder b = new StarRowsBuilder();
        b.add(event("r:pg:lag", 1, "FIRED", T0));
        b.add(event("r:pg:lag", 1, "ACKNOWLEDGED", T0 + 60_000));
        b.add(event("r:pg:lag", 1, "UNACKNOWLEDGED", T0 + 120_000));
        b.add(event("r:pg:lag", 1, "ACKNOWLEDGED", T0 + 180_000)); // acknowledged again: a second row
        b.add(event("r:pg:lag", 1, "COMMAND_REJECTED", T0 + 200_000));
        warehouse.load(b.build());
        b.add(event("r:pg:lag", 1, "FIRED", T0)); // replayed
        b.add(event("r:pg:lag", 2, "FIRED", T0 + 900_000)); // next incident
        warehouse.load(b.build());

        assertEquals(6, count("SELECT COUNT(*) FROM fact_alert_event"));
        assertEquals(2, count("SELECT COUNT(*) FROM fact_alert_event WHERE transition = 'ACKNOWLEDGED'"));
        assertEquals(1, count("SELECT COUNT(*) FROM fact_alert_event WHERE transition = 'COMMAND_REJECTED'"));
        assertEquals(1, count("SELECT COUNT(*) FROM dim_instance WHERE environment = 'prod' AND tags IS NULL"),
                "an instance known only from alerts, its tags unknown");
    }

    @Test
    void keepsNullsEmptyStringsQuotesAndNonFiniteValuesApart() throws Exception {
        StarRowsBuilder b = new StarRowsBuilder();
        b.add(new com.gds.alerting.importer.decode.MetricRow(T0, "postgresql", "a", "m", Double.NaN,
                new java.util.TreeMap<>(java.util.Map.of("team", "dba \"core\", ops")), null));
        b.add(new com.gds.alerting.importer.decode.MetricRow(T0, "postgresql", "b", "m", Double.POSITIVE_INFINITY,
                new java.util.TreeMap<>(), ""));
        warehouse.load(b.build());

        assertEquals(1, count("SELECT COUNT(*) FROM fact_metric WHERE correlation_id IS NULL"));
        assertEquals(1, count("SELECT COUNT(*) FROM fact_metric WHERE correlation_id = ''"));
        try (Connection c = sameDatabase().open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT f.value, CAST(i.tags AS VARCHAR) FROM fact_metric f "
                     + "JOIN dim_instance i ON i.instance_key = f.instance_key ORDER BY i.instance_id")) {
            assertTrue(rs.next());
            assertTrue(Double.isNaN(rs.getDouble(1)));
            assertTrue(rs.getString(2).contains("dba \\\"core\\\", ops"), rs.getString(2));
            assertTrue(rs.next());
            assertEquals(Double.POSITIVE_INFINITY, rs.getDouble(1));
        }
    }

    @Test
    void purgeDeletesOnlyFactsOlderThanTheCutoff() throws Exception {
        StarRowsBuilder b = new StarRowsBuilder();
        b.add(metric("pg-prod-01", "up", T0, 1));
        b.add(metric("pg-prod-01", "up", T0 + Duration.ofDays(10).toMillis(), 1));
        b.add(event("r:pg:up", 1, "FIRED", T0));
        b.add(event("r:pg:up", 1, "RESOLVED", T0 + Duration.ofDays(10).toMillis()));
        warehouse.load(b.build());

        long deleted = warehouse.purgeOlderThan(Instant.ofEpochMilli(T0).plus(Duration.ofDays(5)));

        assertEquals(2, deleted);
        assertEquals(1, count("SELECT COUNT(*) FROM fact_metric"));
        assertEquals(1, count("SELECT COUNT(*) FROM fact_alert_event"));
        assertEquals(1, count("SELECT COUNT(*) FROM dim_instance"), "dimensions are kept");
    }

    @Test
    void loadingNothingTouchesNothing() throws Exception {
        warehouse.load(new StarRowsBuilder().build());
        assertNull(timestampOrNull("SELECT MAX(loaded_at) FROM fact_metric"));
    }

    long count(String sql) throws SQLException {
        try (Connection c = sameDatabase().open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private LocalDateTime timestamp(String sql) throws Exception {
        LocalDateTime t = timestampOrNull(sql);
        assertTrue(t != null, sql + " returned null");
        return t;
    }

    private LocalDateTime timestampOrNull(String sql) throws Exception {
        warehouse.connect();
        try (Connection c = sameDatabase().open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getObject(1, LocalDateTime.class);
        }
    }

    private static LocalDateTime utc(long millis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }
}
