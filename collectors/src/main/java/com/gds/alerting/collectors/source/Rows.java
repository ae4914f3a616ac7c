package com.gds.alerting.collectors.source;

import java.util.Map;

/** Reading typed values out of a result row whose columns may be absent or null. */
public final class Rows {

    private Rows() {
    }

    /** The column as a double; NaN when absent or null, so the caller can skip it. */
    public static double number(Map<String, Object> row, String column) {
        Object v = row.get(column);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (v instanceof String s && !s.isBlank()) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** The column as text; null when absent or null. */
    public static String text(Map<String, Object> row, String column) {
        Object v = row.get(column);
        return v == null ? null : v.toString();
    }
}
