package com.gds.alerting.collectors.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.collectors.source.DatabaseType;

class ConfigLoaderTest {

    private static final String SECRET = "hunter2-the-real-one";
    private static final Map<String, String> ENV = Map.of("PG_PASSWORD", SECRET, "JAAS", "jaas-" + SECRET);

    private static final String HEAD = """
            kafka:
              bootstrap.servers: "k1:9092,k2:9092"
              security.protocol: SASL_SSL
              sasl.jaas.config: "${env:JAAS}"
            schema_registry:
              schema.registry.url: http://registry:8081
            """;

    private static final String TARGET = """
            targets:
              - type: postgresql
                instance_id: pg-prod-01
                environment: prod
                connection:
                  url: jdbc:postgresql://db1:5432/app
                  sslmode: require
                credentials:
                  username: monitor
                  password_env: PG_PASSWORD
                interval: 15s
                query_timeout: 3s
                metrics: [connections_used_ratio, xid_wraparound_age]
                tags: {region: eu-west-1}
            """;

    private static CollectorsConfig parse(String yaml) {
        return new ConfigLoader(ENV::get).parse(yaml, "collectors.yaml", Path.of("/etc/gds"));
    }

    @Test
    void aCompleteFileGivesEveryTargetItsSettingsAndPassesClientPropertiesThrough() {
        CollectorsConfig c = parse(HEAD + """
                agent: {spool_dir: /var/spool/gds, spool_max_bytes: 64MiB, max_concurrent_collections: "4", health_port: "9500"}
                defaults: {interval: 1m, tags: {team: dba}}
                """ + TARGET);
        assertEquals("SASL_SSL", c.producer().get("security.protocol"));
        assertEquals("jaas-" + SECRET, c.producer().get("sasl.jaas.config"), "${env:...} resolved");
        assertEquals(Path.of("/var/spool/gds"), c.agent().spoolDir());
        assertEquals(64L << 20, c.agent().spoolMaxBytes());
        assertEquals(4, c.agent().maxConcurrentCollections());
        TargetConfig t = c.targets().get(0);
        assertEquals(DatabaseType.POSTGRESQL, t.type());
        assertEquals(Duration.ofSeconds(15), t.interval());
        assertEquals(Duration.ofSeconds(3), t.queryTimeout());
        assertEquals(Set.of("connections_used_ratio", "xid_wraparound_age"), t.metrics());
        assertEquals(Map.of("region", "eu-west-1", "team", "dba", "environment", "prod"), t.tags());
        assertEquals("require", t.connection().get("sslmode"));
        assertEquals(SECRET, t.credentials().passwordValue());
        assertTrue(t.selects("up") == false && t.selects("xid_wraparound_age"));
        assertFalse(c.toString().contains(SECRET) || t.toString().contains(SECRET), "no secret in toString");
    }

    @Test
    void theTenantIsATagFromTheTargetOrTheDefaultsAndTheDefaultTenantIsNoTag() {
        assertEquals(null, parse(HEAD + TARGET).targets().get(0).tags().get("tenant"), "no tenant: the default tenant, no tag");
        assertEquals("acme", parse(HEAD + "defaults: {tenant: acme}\n" + TARGET).targets().get(0).tags().get("tenant"));
        assertEquals("beta", parse(HEAD + "defaults: {tenant: acme}\n" + TARGET.replace("tags: {region: eu-west-1}",
                "tags: {region: eu-west-1}\n    tenant: beta")).targets().get(0).tags().get("tenant"), "the target's wins");
        assertEquals(null, parse(HEAD + "defaults: {tenant: acme}\n" + TARGET.replace("tags: {region: eu-west-1}",
                "tags: {region: eu-west-1}\n    tenant: default")).targets().get(0).tags().get("tenant"),
                "a target moved back to the default tenant");
        ConfigException bad = assertThrows(ConfigException.class, () -> parse(HEAD + "defaults: {tenant: Acme}\n" + TARGET));
        assertTrue(bad.getMessage().contains("a-z"), bad.getMessage());
        ConfigException asTag = assertThrows(ConfigException.class, () -> parse(HEAD + TARGET.replace("{region: eu-west-1}",
                "{region: eu-west-1, tenant: acme}")));
        assertTrue(asTag.getMessage().contains("set by the 'tenant' field"), asTag.getMessage());
    }

    @Test
    void durationsAreReadInTheProjectsOneGrammar() {
        TargetConfig t = parse(HEAD + TARGET.replace("interval: 15s", "interval: 1h30m").replace("query_timeout: 3s",
                "query_timeout: PT10S")).targets().get(0);
        assertEquals(Duration.ofMinutes(90), t.interval());
        assertEquals(Duration.ofSeconds(10), t.queryTimeout());
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("unknown top-level key (a typo)", HEAD + "agnet: {}\n" + TARGET, 7, "agnet", "unknown field"),
                Arguments.of("no bootstrap servers", "kafka: {acks: all}\nschema_registry: {schema.registry.url: x}\n" + TARGET,
                        1, "kafka", "bootstrap.servers is required"),
                Arguments.of("unknown type", HEAD + TARGET.replace("type: postgresql", "type: oracle"), 8,
                        "targets[0].type", "unknown database type 'oracle'"),
                Arguments.of("bad interval", HEAD + TARGET.replace("interval: 15s", "interval: fast"), 17,
                        "targets[0].interval", "'fast' is not a duration; expected a duration such as 500ms"),
                Arguments.of("timeout not below interval", HEAD + TARGET.replace("query_timeout: 3s", "query_timeout: 20s"), 18,
                        "targets[0].query_timeout", "must be shorter than interval"),
                Arguments.of("environment not usable in a topic", HEAD + TARGET.replace("environment: prod", "environment: Prod EU"),
                        10, "targets[0].environment", "lower-case"),
                Arguments.of("unknown metric", HEAD + TARGET.replace("xid_wraparound_age]", "xid_age]"), 19,
                        "targets[0].metrics[1]", "'xid_age' is not a postgresql metric"),
                Arguments.of("password in the URL", HEAD + TARGET.replace("db1:5432/app", "db1:5432/app?password=" + SECRET), 12,
                        "targets[0].connection.url", "contains a password"),
                Arguments.of("password field in connection", HEAD + TARGET.replace("sslmode: require", "password: " + SECRET), 13,
                        "targets[0].connection.password", "contains a password"),
                Arguments.of("inline password in credentials", HEAD + TARGET.replace("password_env: PG_PASSWORD", "password: " + SECRET),
                        16, "targets[0].credentials.password", "unknown field"),
                Arguments.of("unset environment variable", HEAD + TARGET.replace("password_env: PG_PASSWORD", "password_env: NOPE"),
                        16, "targets[0].credentials.password_env", "environment variable NOPE is not set"),
                Arguments.of("duplicate instance id", HEAD + TARGET + TARGET.substring(TARGET.indexOf("  - type")), 22,
                        "targets[1].instance_id", "already used by the target at line 8"),
                Arguments.of("not YAML", HEAD + "targets: [\n", 8, "", "not valid YAML"),
                Arguments.of("no targets", HEAD + "targets: []\n", 7, "targets", "lists no target"),
                Arguments.of("connection limit on a type that reports its own", HEAD + TARGET + "    connection_limit: 800\n", 21,
                        "targets[0].connection_limit", "is for mssql targets only"),
                Arguments.of("connection limit not a number", HEAD + sqlServer("lots"), 12, "targets[0].connection_limit",
                        "must be a whole number"));
    }

    private static String sqlServer(String connectionLimit) {
        return """
                targets:
                  - type: mssql
                    instance_id: sql-prod-01
                    environment: prod
                    connection: {url: "jdbc:sqlserver://sql1:1433"}
                    connection_limit: %s
                """.formatted(connectionLimit);
    }

    @Test
    void aSqlServerTargetsConnectionLimitIsKeptAndIsOptional() {
        assertEquals(800, parse(HEAD + sqlServer("800")).targets().get(0).connectionLimit());
        assertEquals(null, parse(HEAD + TARGET).targets().get(0).connectionLimit());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void aBadFileNamesTheFieldAndLine(String why, String yaml, int line, String field, String problem) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml), why);
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("collectors.yaml:"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), "a secret in the message: " + e.getMessage());
    }

    @Test
    void aPasswordFileIsReadWhenNeededAndAMissingOneIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pg.pw"), SECRET + "\n");
        String yaml = HEAD + TARGET.replace("password_env: PG_PASSWORD", "password_file: pg.pw");
        CollectorsConfig c = new ConfigLoader(ENV::get).parse(yaml, "collectors.yaml", dir);
        assertEquals(SECRET, c.targets().get(0).credentials().passwordValue(), "trailing newline dropped");
        Files.writeString(dir.resolve("pg.pw"), "rotated");
        assertEquals("rotated", c.targets().get(0).credentials().passwordValue(), "read again at each connect");

        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader(ENV::get)
                .parse(yaml.replace("pg.pw", "missing.pw"), "collectors.yaml", dir));
        assertTrue(e.getMessage().contains("cannot read secret file"), e.getMessage());
        assertEquals("targets[0].credentials.password_file", e.field());
    }

    @Test
    void aMissingFileIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigLoader().load(Path.of("/nonexistent/c.yaml")));
        assertTrue(e.getMessage().contains("cannot read the file"), e.getMessage());
    }

    @Test
    void targetOptionsAreTypedPerDatabaseTypeWithDefaultsWhenAbsent() {
        CollectorsConfig c = parse(HEAD + TARGET + """
                    options:
                      expected_standbys: [replica1, replica-dr]
                      autovacuum_overdue_after: 6h
                      top_statements: 10
                  - type: mongodb
                    instance_id: mongo-prod-01
                    environment: prod
                    connection: {uri: "mongodb://m1:27017/?directConnection=true"}
                    options: {long_running_operation: 5m}
                  - type: mssql
                    instance_id: sql-prod-01
                    environment: prod
                    connection: {url: "jdbc:sqlserver://s1:1433"}
                """);
        TargetOptions pg = c.targets().get(0).options();
        assertEquals(java.util.List.of("replica1", "replica-dr"), pg.expectedStandbys());
        assertEquals(Duration.ofHours(6), pg.autovacuumOverdueAfter());
        assertEquals(10, pg.topStatements());
        assertEquals(Duration.ofMinutes(5), c.targets().get(1).options().longRunningOperation());
        assertEquals(TargetOptions.DEFAULTS, c.targets().get(2).options(), "no options block: every default");
        assertEquals(5, TargetOptions.DEFAULTS.topStatements());
    }

    @Test
    void anOptionOfAnotherDatabaseTypeOrBeyondItsBoundIsRefusedWithItsLine() {
        ConfigException wrongType = assertThrows(ConfigException.class, () -> parse(HEAD + TARGET + """
                    options: {long_running_operation: 5m}
                """));
        assertTrue(wrongType.getMessage().contains("collectors.yaml:21: targets[0].options.long_running_operation") && wrongType.getMessage().contains("unknown field")
                && wrongType.getMessage().contains("expected_standbys"), wrongType.getMessage());
        ConfigException tooMany = assertThrows(ConfigException.class, () -> parse(HEAD + TARGET + """
                    options: {top_statements: 500}
                """));
        assertTrue(tooMany.getMessage().contains("top_statements"), tooMany.getMessage());
    }
}
