package com.gds.alerting.importer.warehouse;

import static com.gds.alerting.importer.warehouse.WarehouseRows.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.importer.decode.AlertEventRow;
import com.gds.alerting.importer.testkit.EmbeddedPostgresServer;

/**
 * The three example queries of docs/dw-importer.md, read from the document itself and run on real
 * DuckDB and PostgreSQL over the same loaded data, so the documentation cannot rot.
 */
class ExampleQueriesTest {

    private static final Path DOC = Path.of("..", "docs", "dw-importer.md");
    private static EmbeddedPostgresServer postgres;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startPostgres() {
        postgres = new EmbeddedPostgresServer();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Test
    void queriesOfTheDocsGiveTheSameAnswersOnDuckDbAndPostgres() throws Exception {
        List<String> queries = queries();
        assertEquals(3, queries.size(), "three example queries in " + DOC);

        String duck = "jdbc:duckdb:" + dir.resolve("q.duckdb");
        load(() -> DriverManager.getConnection(duck), new DuckDbDialect());
        String pg = postgres.newDatabase();
        load(() -> DriverManager.getConnection(pg, "postgres", ""), new PostgresDialect());

        for (int q = 0; q < queries.size(); q++) {
            List<String> onDuck = run(() -> DriverManager.getConnection(duck), queries.get(q));
            List<String> onPg = run(() -> DriverManager.getConnection(pg, "postgres", ""), queries.get(q));
            assertEquals(onDuck, onPg, "query " + (q + 1));
            assertEquals(EXPECTED.get(q), onDuck, "query " + (q + 1));
        }
    }

    /** MTTA 1 and 3 minutes (mean 2), MTTR 10 and 20 (mean 15); two FIRED in one week; ratio +0.1 a day. */
    private static final List<List<String>> EXPECTED = List.of(
            List.of("rule-1|CRITICAL|2|2.0|15.0"),
            List.of("pg-prod-01|postgresql|prod|2025-12-29T00:00|2"),
            List.of("pg-prod-01|3|0.6|0.7|0.1"));

    private static void load(ConnectionFactory connections, SqlDialect dialect) throws Exception {
        try (JdbcWarehouse warehouse = new JdbcWarehouse(connections, dialect, "test",
                Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC))) {
            StarRowsBuilder b = new StarRowsBuilder();
            long minute = Duration.ofMinutes(1).toMillis();
            long day = Duration.ofDays(1).toMillis();
            for (int incident = 1; incident <= 2; incident++) {
                long start = T0 + incident * day;
                b.add(event(incident, "FIRED", start, start));
                b.add(event(incident, "ACKNOWLEDGED", start, start + (2L * incident - 1) * minute));
                b.add(event(incident, "RESOLVED", start, start + incident * 10L * minute));
            }
            for (int d = 0; d < 3; d++) {
                b.add(WarehouseRows.metric("pg-prod-01", "connections_used_ratio", T0 + d * day, 0.5 + d / 10.0));
            }
            warehouse.load(b.build());
        }
    }

    private static AlertEventRow event(int incident, String transition, long startedAt, long at) {
        AlertEventRow e = WarehouseRows.event("rule-1:pg-prod-01:lag", incident, transition, at);
        return new AlertEventRow(e.alertKey(), e.incident(), e.transition(), 0, at, e.messageId(), e.ruleId(),
                e.instanceId(), e.metricName(), e.databaseType(), e.environment(), e.severity(), e.state(), null,
                startedAt, e.value(), e.threshold(), null, null, null, null, null, e.labels());
    }

    private static List<String> run(ConnectionFactory connections, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = connections.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> cells = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    Object v = rs.getObject(i);
                    if (v instanceof Number n && !(v instanceof Long || v instanceof Integer)) {
                        cells.add(String.valueOf(Math.round(n.doubleValue() * 1000) / 1000.0));
                    } else if (v instanceof java.sql.Timestamp t) {
                        cells.add(t.toLocalDateTime().toString());
                    } else if (v instanceof java.time.temporal.TemporalAccessor) {
                        cells.add(rs.getObject(i, java.time.LocalDateTime.class).toString());
                    } else {
                        cells.add(String.valueOf(v));
                    }
                }
                rows.add(String.join("|", cells));
            }
        }
        return rows;
    }

    private static List<String> queries() throws Exception {
        Matcher m = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1).trim());
        }
        return out;
    }
}
