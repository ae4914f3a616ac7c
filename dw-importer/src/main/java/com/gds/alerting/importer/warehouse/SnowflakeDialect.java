package com.gds.alerting.importer.warehouse;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snowflake: the bulk path Snowflake recommends for batches. Each staging table's rows are
 * written to a gzip CSV file, {@code PUT} to a per-batch folder of the user stage, loaded with
 * {@code COPY INTO} (which also removes the staged file), then merged with {@code MERGE} (a
 * Snowflake primary key is not enforced, so facts cannot use ON CONFLICT).
 *
 * <p>No Snowflake account is reachable from the build machines: the SQL and the staging plan
 * are unit-tested, the rest only runs against a real account.
 */
public final class SnowflakeDialect extends SqlDialect {

    private static final Logger LOG = LoggerFactory.getLogger(SnowflakeDialect.class);
    static final CsvRows.NonFinite NON_FINITE = new CsvRows.NonFinite("NaN", "inf", "-inf");
    /** Folder of the user stage where batch files are put; each batch gets its own sub-folder. */
    static final String STAGE_ROOT = "@~/gds-dw-importer";

    private final Path localDir;

    /** @param localDir where batch files are written before {@code PUT} (deleted after) */
    public SnowflakeDialect(Path localDir) {
        this.localDir = localDir;
    }

    @Override
    public String name() {
        return "snowflake";
    }

    @Override
    public String typeName(ColumnType type) {
        return switch (type) {
            case BIGINT -> "BIGINT";
            case INTEGER -> "INTEGER";
            case DOUBLE -> "DOUBLE";
            case VARCHAR -> "VARCHAR";
            case TIMESTAMP -> "TIMESTAMP_NTZ(3)";
            case JSON -> "VARIANT";
        };
    }

    @Override
    public String fromEpochMillis(String expr) {
        return "TO_TIMESTAMP_NTZ(" + expr + ", 3)";
    }

    @Override
    public String parseJson(String expr) {
        return "PARSE_JSON(" + expr + ")";
    }

    @Override
    protected String temporaryKeyword() {
        return "TEMPORARY";
    }

    @Override
    public FactLoad factLoad() {
        return FactLoad.MERGE;
    }

    @Override
    public BulkStager stager() {
        return this::stageThroughUserStage;
    }

    /**
     * The statements that load {@code file} (a gzip CSV of {@code table}'s staged columns) into
     * its staging table through the stage folder {@code batchFolder}.
     */
    static List<String> stagingPlan(TableSpec table, Path file, String batchFolder) {
        String folder = STAGE_ROOT + "/" + batchFolder;
        String fileUrl = "file://" + file.toAbsolutePath().toString().replace('\\', '/');
        return List.of(
                "PUT '" + fileUrl.replace("'", "\\'") + "' " + folder
                        + " AUTO_COMPRESS = FALSE SOURCE_COMPRESSION = GZIP OVERWRITE = TRUE",
                "COPY INTO " + table.stagingName() + " ("
                        + table.stagedColumns().stream().map(Column::name).collect(Collectors.joining(", "))
                        + ") FROM " + folder + " FILES = ('" + file.getFileName() + "')"
                        + " FILE_FORMAT = (TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '\"'"
                        + " EMPTY_FIELD_AS_NULL = TRUE NULL_IF = () COMPRESSION = GZIP)"
                        + " ON_ERROR = ABORT_STATEMENT PURGE = TRUE");
    }

    /** Writes the staging file of {@code rows}: gzip CSV, UTF-8. */
    static void writeStagingFile(Path file, List<Object[]> rows) throws IOException {
        try (Writer out = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16),
                StandardCharsets.UTF_8)) {
            CsvRows.write(out, rows, NON_FINITE);
        }
    }

    private void stageThroughUserStage(Connection connection, TableSpec table, List<Object[]> rows) throws SQLException {
        String batchFolder = UUID.randomUUID().toString();
        Path file;
        try {
            Files.createDirectories(localDir);
            file = localDir.resolve(table.stagingName() + "-" + batchFolder + ".csv.gz");
            writeStagingFile(file, rows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Snowflake staging file in " + localDir, e);
        }
        try (Statement statement = connection.createStatement()) {
            for (String sql : stagingPlan(table, file, batchFolder)) {
                statement.execute(sql);
            }
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Harmless: nothing reads it again; say so rather than fail a loaded batch.
                LOG.warn("could not delete the staging file {}: {}", file, e.toString());
            }
        }
    }
}
