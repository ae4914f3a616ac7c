package com.gds.alerting.importer.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Snowflake SQL and staging steps, checked statement by statement: no Snowflake account is
 * reachable from the build machines. The MERGE shape itself also runs for real on DuckDB
 * ({@link DuckDbMergeFormWarehouseTest}).
 */
class SnowflakeDialectTest {

    @TempDir
    Path dir;

    private final SnowflakeDialect dialect = new SnowflakeDialect(Path.of("/tmp/x"));
    private static final Instant LOAD = Instant.parse("2026-03-01T12:00:00.123Z");

    @Test
    void createsTablesWithSnowflakeTypesAndADeclaredKey() {
        assertEquals("CREATE TABLE IF NOT EXISTS fact_metric (ts TIMESTAMP_NTZ(3) NOT NULL, instance_key BIGINT NOT NULL, "
                        + "metric_key BIGINT NOT NULL, value DOUBLE NOT NULL, correlation_id VARCHAR, "
                        + "loaded_at TIMESTAMP_NTZ(3) NOT NULL, PRIMARY KEY (ts, instance_key, metric_key))",
                dialect.createTable(StarSchema.FACT_METRIC));
        assertTrue(dialect.createTable(StarSchema.DIM_INSTANCE).contains("tags VARIANT"));
    }

    @Test
    void stagingTablesAreTemporaryWithTimestampsAsMillisAndJsonAsText() {
        assertEquals("CREATE TEMPORARY TABLE IF NOT EXISTS stg_dim_instance (instance_key BIGINT, instance_id VARCHAR, "
                        + "database_type VARCHAR, environment VARCHAR, region VARCHAR, tags VARCHAR, first_seen BIGINT, "
                        + "last_seen BIGINT)",
                dialect.createStagingTable(StarSchema.DIM_INSTANCE));
    }

    @Test
    void factsMergeOnTheNaturalKeyAndOnlyInsert() {
        assertEquals("MERGE INTO fact_metric t USING (SELECT TO_TIMESTAMP_NTZ(ts, 3) AS ts, instance_key, metric_key, "
                        + "value, correlation_id, CAST('2026-03-01 12:00:00.123' AS TIMESTAMP_NTZ(3)) AS loaded_at "
                        + "FROM stg_fact_metric) s ON t.ts = s.ts AND t.instance_key = s.instance_key "
                        + "AND t.metric_key = s.metric_key WHEN NOT MATCHED THEN INSERT (ts, instance_key, metric_key, "
                        + "value, correlation_id, loaded_at) VALUES (s.ts, s.instance_key, s.metric_key, s.value, "
                        + "s.correlation_id, s.loaded_at)",
                dialect.mergeFromStaging(StarSchema.FACT_METRIC, LOAD));
        assertFalse(dialect.mergeFromStaging(StarSchema.FACT_ALERT_EVENT, LOAD).contains("WHEN MATCHED"),
                "a replayed alert event changes nothing");
    }

    @Test
    void dimensionsMergeFirstSeenLastSeenAndLatestKnownAttributes() {
        String merge = dialect.mergeFromStaging(StarSchema.DIM_INSTANCE, LOAD);
        assertTrue(merge.startsWith("MERGE INTO dim_instance t USING (SELECT instance_key, instance_id, database_type, "
                + "environment, region, PARSE_JSON(tags) AS tags, TO_TIMESTAMP_NTZ(first_seen, 3) AS first_seen, "
                + "TO_TIMESTAMP_NTZ(last_seen, 3) AS last_seen FROM stg_dim_instance) s "
                + "ON t.instance_key = s.instance_key"), merge);
        assertTrue(merge.contains(" WHEN MATCHED THEN UPDATE SET database_type = COALESCE(s.database_type, t.database_type), "
                + "environment = COALESCE(s.environment, t.environment), region = COALESCE(s.region, t.region), "
                + "tags = COALESCE(s.tags, t.tags), first_seen = LEAST(t.first_seen, s.first_seen), "
                + "last_seen = GREATEST(t.last_seen, s.last_seen) WHEN NOT MATCHED THEN INSERT"), merge);
    }

    @Test
    void stagingPutsAGzipCsvInAPerBatchFolderOfTheUserStageAndCopiesItIn() {
        Path file = Path.of("/var/tmp/gds/stg_fact_metric-b1.csv.gz");
        assertEquals(List.of(
                "PUT 'file:///var/tmp/gds/stg_fact_metric-b1.csv.gz' @~/gds-dw-importer/b1 AUTO_COMPRESS = FALSE "
                        + "SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE",
                "COPY INTO stg_fact_metric (ts, instance_key, metric_key, value, correlation_id) FROM "
                        + "@~/gds-dw-importer/b1 FILES = ('stg_fact_metric-b1.csv.gz') FILE_FORMAT = (TYPE = CSV "
                        + "FIELD_OPTIONALLY_ENCLOSED_BY = '\"' EMPTY_FIELD_AS_NULL = TRUE NULL_IF = () "
                        + "COMPRESSION = GZIP) ON_ERROR = ABORT_STATEMENT PURGE = TRUE"),
                SnowflakeDialect.stagingPlan(StarSchema.FACT_METRIC, file, "b1"));
    }

    @Test
    void stagingFileIsGzipCsvWithNullsEmptyStringsAndNonFiniteNumbersAsSnowflakeReadsThem() throws Exception {
        Path file = dir.resolve("rows.csv.gz");
        SnowflakeDialect.writeStagingFile(file, List.of(
                new Object[] {1_767_225_600_000L, 1L, 2L, 0.5, "cycle \"7\""},
                new Object[] {1_767_225_600_000L, 1L, 3L, Double.NaN, null},
                new Object[] {1_767_225_600_000L, 1L, 4L, Double.NEGATIVE_INFINITY, ""}));

        assertEquals("1767225600000,1,2,0.5,\"cycle \"\"7\"\"\"\n"
                + "1767225600000,1,3,NaN,\n"
                + "1767225600000,1,4,-inf,\"\"\n", gunzip(file));
    }

    @Test
    void purgeDeletesByEventTime() {
        assertEquals("DELETE FROM fact_metric WHERE ts < CAST('2026-03-01 12:00:00.123' AS TIMESTAMP_NTZ(3))",
                dialect.purge(StarSchema.PURGEABLE.get(0), LOAD));
    }

    @Test
    void everyTableHasAStagingTableWithItsColumnsButTheLoadTime() {
        for (TableSpec table : StarSchema.TABLES) {
            String ddl = dialect.createStagingTable(table);
            assertFalse(ddl.contains("loaded_at"), ddl);
            assertEquals(table.stagedColumns().size(), Arrays.stream(ddl.split(",")).count(), ddl);
        }
    }

    private static String gunzip(Path file) throws Exception {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
