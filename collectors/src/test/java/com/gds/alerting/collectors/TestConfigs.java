package com.gds.alerting.collectors;

import java.nio.file.Path;

import com.gds.alerting.collectors.config.CollectorsConfig;
import com.gds.alerting.collectors.config.ConfigLoader;

/** Builds configurations from YAML text, as a user would write them. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static CollectorsConfig parse(String yaml, Path dir) {
        return new ConfigLoader(name -> null).parse(yaml, "collectors.yaml", dir);
    }

    /** A PostgreSQL target entry (indented for the targets list). */
    public static String pgTarget(String instanceId, String environment, String jdbcUrl, String interval, String timeout) {
        return """
                  - type: postgresql
                    instance_id: %s
                    environment: %s
                    connection:
                      url: %s
                    credentials:
                      username: postgres
                    interval: %s
                    query_timeout: %s
                """.formatted(instanceId, environment, jdbcUrl, interval, timeout);
    }
}
