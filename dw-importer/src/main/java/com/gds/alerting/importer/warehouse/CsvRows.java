package com.gds.alerting.importer.warehouse;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes staging rows as RFC 4180 CSV that PostgreSQL's {@code COPY ... (FORMAT csv)} and
 * Snowflake's {@code COPY INTO ... FILE_FORMAT = (TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '"')}
 * read identically: null is an empty unquoted field, every string is quoted (so an empty string
 * stays an empty string), numbers are bare.
 */
public final class CsvRows {

    /** How a warehouse spells the non-finite doubles in CSV. */
    public record NonFinite(String nan, String positiveInfinity, String negativeInfinity) {
    }

    private CsvRows() {
    }

    /** Writes every row, one line each. */
    public static void write(Writer out, List<Object[]> rows, NonFinite nonFinite) throws IOException {
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    out.write(',');
                }
                writeValue(out, row[i], nonFinite);
            }
            out.write('\n');
        }
    }

    private static void writeValue(Writer out, Object value, NonFinite nonFinite) throws IOException {
        if (value == null) {
            return;
        }
        if (value instanceof String s) {
            out.write('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"') {
                    out.write('"');
                }
                out.write(c);
            }
            out.write('"');
        } else if (value instanceof Double d) {
            if (d.isNaN()) {
                out.write(nonFinite.nan());
            } else if (d.isInfinite()) {
                out.write(d > 0 ? nonFinite.positiveInfinity() : nonFinite.negativeInfinity());
            } else {
                out.write(d.toString());
            }
        } else if (value instanceof Long || value instanceof Integer) {
            out.write(value.toString());
        } else {
            throw new IllegalArgumentException("cannot stage a " + value.getClass().getName() + " as CSV");
        }
    }
}
