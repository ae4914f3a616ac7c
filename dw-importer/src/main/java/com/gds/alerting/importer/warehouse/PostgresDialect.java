package com.gds.alerting.importer.warehouse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * PostgreSQL (≥ 15 for {@code MERGE}): staging by {@code COPY ... FROM STDIN (FORMAT csv)},
 * facts by {@code INSERT ... ON CONFLICT DO NOTHING}, dimensions by {@code MERGE}.
 */
public final class PostgresDialect extends SqlDialect {

    static final CsvRows.NonFinite NON_FINITE = new CsvRows.NonFinite("NaN", "Infinity", "-Infinity");
    private static final int CHUNK = 1 << 16;

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String typeName(ColumnType type) {
        return switch (type) {
            case BIGINT -> "BIGINT";
            case INTEGER -> "INTEGER";
            case DOUBLE -> "DOUBLE PRECISION";
            case VARCHAR -> "TEXT";
            case TIMESTAMP -> "TIMESTAMP(3)";
            case JSON -> "JSONB";
        };
    }

    @Override
    public String fromEpochMillis(String expr) {
        // Plain arithmetic on TIMESTAMP 'epoch': no session time zone can shift it.
        return "(TIMESTAMP '1970-01-01 00:00:00' + " + expr + " * INTERVAL '1 millisecond')";
    }

    @Override
    public String parseJson(String expr) {
        return "CAST(" + expr + " AS JSONB)";
    }

    @Override
    protected String temporaryKeyword() {
        return "TEMP";
    }

    @Override
    public String clearStaging(TableSpec table) {
        return "TRUNCATE " + table.stagingName();
    }

    @Override
    public String lockForMigration(String versionTable) {
        return "LOCK TABLE " + versionTable + " IN EXCLUSIVE MODE";
    }

    @Override
    public FactLoad factLoad() {
        return FactLoad.ON_CONFLICT;
    }

    @Override
    public BulkStager stager() {
        return PostgresDialect::copy;
    }

    /** The COPY statement of a staging table. */
    static String copyStatement(TableSpec table) {
        return "COPY " + table.stagingName() + " ("
                + table.stagedColumns().stream().map(Column::name).collect(Collectors.joining(", "))
                + ") FROM STDIN (FORMAT csv)";
    }

    private static void copy(Connection connection, TableSpec table, List<Object[]> rows) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copyStatement(table));
        try {
            ChunkedCopyStream buffer = new ChunkedCopyStream(copy);
            try (Writer out = new OutputStreamWriter(buffer, StandardCharsets.UTF_8)) {
                CsvRows.write(out, rows, NON_FINITE);
            }
            copy.endCopy();
        } catch (CopyFailed e) {
            throw e.getCause();
        } catch (IOException e) {
            throw new SQLException("COPY into " + table.stagingName() + " failed: " + e.getMessage(), e);
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    /** Hands the CSV to the server in 64 KiB chunks instead of one batch-sized buffer. */
    private static final class ChunkedCopyStream extends ByteArrayOutputStream {
        private final CopyIn copy;

        ChunkedCopyStream(CopyIn copy) {
            super(CHUNK);
            this.copy = copy;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            if (count >= CHUNK) {
                drain();
            }
        }

        @Override
        public void flush() {
            drain();
        }

        @Override
        public void close() {
            drain();
        }

        private void drain() {
            if (count == 0) {
                return;
            }
            try {
                copy.writeToCopy(buf, 0, count);
            } catch (SQLException e) {
                throw new CopyFailed(e);
            }
            reset();
        }
    }

    /** Carries a COPY failure out of the {@link Writer} chain. */
    private static final class CopyFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CopyFailed(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
