package com.gds.alerting.collectors.source;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Runs one SQL query and returns its rows, each a map from lower-case column label to value.
 * The SQL collectors read through this, so their mapping can be tested from recorded answers.
 */
@FunctionalInterface
public interface SqlRunner {

    List<Map<String, Object>> query(String sql) throws SQLException;
}
