package com.gds.alerting.collectors.source;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * One JDBC connection to one target, opened on first use and kept between cycles; any failure
 * closes it so the next query reconnects. Every query runs with the target's timeout.
 */
public final class JdbcSession implements SqlRunner, AutoCloseable {

    private final String url;
    private final Supplier<Properties> properties;
    private final int timeoutSeconds;
    private Connection connection;

    /**
     * @param url          JDBC URL (no password in it; the configuration refuses one)
     * @param properties   driver properties including user and password, built at each connect so
     *                     a rotated secret is picked up
     * @param queryTimeout per-query limit; rounded up to whole seconds, JDBC's unit
     */
    public JdbcSession(String url, Supplier<Properties> properties, Duration queryTimeout) {
        this.url = url;
        this.properties = properties;
        this.timeoutSeconds = (int) Math.max(1, (queryTimeout.toMillis() + 999) / 1000);
    }

    @Override
    public List<Map<String, Object>> query(String sql) throws SQLException {
        try (Statement st = connection().createStatement()) {
            st.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs = st.executeQuery(sql)) {
                return rows(rs);
            }
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The open connection, connecting first if needed. */
    public Connection connection() throws SQLException {
        if (connection == null) {
            Driver driver = DriverManager.getDriver(url);
            Connection c = driver.connect(url, properties.get());
            if (c == null) {
                throw new SQLException("no JDBC driver accepts this URL (" + redactedUrl() + ")");
            }
            connection = c;
        }
        return connection;
    }

    static List<Map<String, Object>> rows(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<Map<String, Object>> out = new ArrayList<>();
        while (rs.next()) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= n; i++) {
                row.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), rs.getObject(i));
            }
            out.add(row);
        }
        return out;
    }

    private String redactedUrl() {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?...";
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // The connection is being discarded after a failure or at shutdown; a failing
                // close changes nothing for the caller.
            }
            connection = null;
        }
    }
}
