package com.gds.alerting.collectors.agent;

import java.util.Properties;

import com.gds.alerting.collectors.config.Credentials;
import com.gds.alerting.collectors.config.TargetConfig;
import com.gds.alerting.collectors.mongodb.MongoCollector;
import com.gds.alerting.collectors.mssql.SqlServerCollector;
import com.gds.alerting.collectors.postgres.PostgresCollector;
import com.gds.alerting.collectors.snowflake.SnowflakeCollector;
import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.source.JdbcSession;

/** Builds the collector of a target's type. */
public final class Collectors {

    private Collectors() {
    }

    public static Collector create(TargetConfig target) {
        return switch (target.type()) {
            case POSTGRESQL -> new PostgresCollector(new JdbcSession(target.connection().get("url"),
                    () -> postgresProperties(target), target.queryTimeout()), target.instanceId(), target.options());
            case MSSQL -> new SqlServerCollector(new JdbcSession(target.connection().get("url"),
                    () -> sqlServerProperties(target), target.queryTimeout()), target.instanceId(),
                    target.connectionLimit());
            case SNOWFLAKE -> new SnowflakeCollector(new JdbcSession(target.connection().get("url"),
                    () -> snowflakeProperties(target), target.queryTimeout()), target.instanceId());
            case MONGODB -> new MongoCollector(target);
        };
    }

    /** Driver properties: the target's own, then credentials, then timeouts so nothing can hang. */
    static Properties postgresProperties(TargetConfig target) {
        Properties p = jdbcProperties(target);
        long timeout = Math.max(1, (target.queryTimeout().toMillis() + 999) / 1000);
        p.putIfAbsent("connectTimeout", Long.toString(timeout));
        p.putIfAbsent("loginTimeout", Long.toString(timeout));
        // A query is cancelled at the timeout; the socket timeout only catches a server gone silent.
        p.putIfAbsent("socketTimeout", Long.toString(timeout + 5));
        p.putIfAbsent("ApplicationName", "gds-collector");
        return p;
    }

    static Properties sqlServerProperties(TargetConfig target) {
        Properties p = jdbcProperties(target);
        long timeout = Math.max(1, (target.queryTimeout().toMillis() + 999) / 1000);
        p.putIfAbsent("loginTimeout", Long.toString(timeout));
        p.putIfAbsent("socketTimeout", Long.toString((timeout + 5) * 1000));
        p.putIfAbsent("applicationName", "gds-collector");
        return p;
    }

    /** The Snowflake driver is not shipped in the agent jar (it is ~100 MB): put it on the class path. */
    static Properties snowflakeProperties(TargetConfig target) {
        Properties p = jdbcProperties(target);
        long timeout = Math.max(1, (target.queryTimeout().toMillis() + 999) / 1000);
        p.putIfAbsent("loginTimeout", Long.toString(timeout));
        p.putIfAbsent("networkTimeout", Long.toString(timeout));
        p.putIfAbsent("application", "gds-collector");
        return p;
    }

    static Properties jdbcProperties(TargetConfig target) {
        Properties p = new Properties();
        target.connection().forEach((k, v) -> {
            if (!k.equals("url")) {
                p.setProperty(k, v);
            }
        });
        Credentials c = target.credentials();
        if (c != null) {
            p.setProperty("user", c.username());
            String password = c.passwordValue();
            if (password != null) {
                p.setProperty("password", password);
            }
        }
        return p;
    }
}
