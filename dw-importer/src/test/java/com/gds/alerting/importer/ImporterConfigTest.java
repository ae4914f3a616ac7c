package com.gds.alerting.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.gds.alerting.importer.warehouse.DuckDbDialect;
import com.gds.alerting.importer.warehouse.PostgresDialect;
import com.gds.alerting.importer.warehouse.SnowflakeDialect;

class ImporterConfigTest {

    @TempDir
    Path dir;

    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap.servers", "localhost:9092");
        m.put("schema.registry.url", "mem://config-test");
        return m;
    }

    private static ImporterConfig parse(Map<String, String> settings) {
        return ImporterConfig.parse(settings, "importer.properties", name -> name.equals("SET") ? "s3cret" : null);
    }

    @Test
    void defaultsNeedOnlyKafkaAndTheRegistry() {
        ImporterConfig c = parse(minimal());
        assertEquals("gds-dw-importer", c.kafka().get("group.id"));
        assertInstanceOf(DuckDbDialect.class, c.dialect());
        assertEquals(100_000, c.batch().maxRecords());
        assertEquals(Duration.ofSeconds(2), c.batch().maxWait());
        assertEquals(Duration.ZERO, c.retention());
        assertEquals("gds.dlq.metrics", c.topics().dlqMetrics());
        assertEquals(Map.of("schema.registry.url", "mem://config-test"), c.serde());
    }

    @Test
    void durationsAreReadInTheProjectsOneGrammar() {
        Map<String, String> m = minimal();
        m.put("importer.retention.check-interval", "1h30m");
        m.put("importer.batch.max-wait", "PT10S");
        m.put("importer.retry.max-backoff", "2d");
        ImporterConfig c = parse(m);
        assertEquals(Duration.ofMinutes(90), c.retentionCheckInterval());
        assertEquals(Duration.ofSeconds(10), c.batch().maxWait());
        assertEquals(Duration.ofDays(2), c.backoff().max());
    }

    @Test
    void theUrlSchemePicksTheDialect() {
        Map<String, String> m = minimal();
        m.put("warehouse.url", "jdbc:postgresql://db:5432/gds");
        assertInstanceOf(PostgresDialect.class, parse(m).dialect());
        m.put("warehouse.url", "jdbc:snowflake://acct.snowflakecomputing.com/");
        assertInstanceOf(SnowflakeDialect.class, parse(m).dialect());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "importer.batch.max-records|0|importer.batch.max-records must be a whole number >= 1, got '0' (in importer.properties)",
            "importer.batch.max-wait|soon|importer.batch.max-wait: 'soon' is not a duration; expected a duration such as 500ms, 30s, 5m, 1h30m, 2d or 1w (units w, d, h, m, s, ms, largest first) or ISO-8601 such as PT10S (in importer.properties)",
            "importer.retry.max-backoff|0s|importer.retry.max-backoff: '0s' must be longer than zero (in importer.properties)",
            "importer.http.port|70000|importer.http.port must be -1..65535, got 70000 (in importer.properties)",
            "importer.retention.days|-1|importer.retention.days must be a whole number >= 0, got '-1' (in importer.properties)",
            "warehouse.url|jdbc:mysql://db/x|warehouse.url jdbc:mysql://db/x names no supported warehouse (in importer.properties): use jdbc:duckdb:, jdbc:postgresql: or jdbc:snowflake:",
            "warehouse.password.env|UNSET|warehouse.password.env names the environment variable UNSET, which is not set (in importer.properties)"})
    void badValuesAreRefusedNamingTheKeyTheValueAndTheFile(String key, String value, String message) {
        Map<String, String> m = minimal();
        m.put(key, value);
        assertEquals(message, assertThrows(ImporterConfigException.class, () -> parse(m)).getMessage());
    }

    @Test
    void missingKafkaOrRegistryIsNamed() {
        Map<String, String> m = minimal();
        m.remove("kafka.bootstrap.servers");
        assertTrue(assertThrows(ImporterConfigException.class, () -> parse(m)).getMessage()
                .startsWith("kafka.bootstrap.servers is not set"));
        Map<String, String> n = minimal();
        n.remove("schema.registry.url");
        assertTrue(assertThrows(ImporterConfigException.class, () -> parse(n)).getMessage()
                .startsWith("schema.registry.url is not set"));
    }

    @Test
    void credentialsAreAcceptedOnlyByReferenceAndNeverEchoed() {
        Map<String, String> inline = minimal();
        inline.put("warehouse.password", "hunter2");
        String message = assertThrows(ImporterConfigException.class, () -> parse(inline)).getMessage();
        assertTrue(message.contains("by reference"), message);
        assertFalse(message.contains("hunter2"), message);

        Map<String, String> inUrl = minimal();
        inUrl.put("warehouse.url", "jdbc:postgresql://db/gds?user=x&password=hunter2");
        message = assertThrows(ImporterConfigException.class, () -> parse(inUrl)).getMessage();
        assertFalse(message.contains("hunter2"), message);

        Map<String, String> asProperty = minimal();
        asProperty.put("warehouse.property.private_key_file_pwd", "hunter2");
        message = assertThrows(ImporterConfigException.class, () -> parse(asProperty)).getMessage();
        assertFalse(message.contains("hunter2"), message);

        Map<String, String> byEnv = minimal();
        byEnv.put("warehouse.password.env", "SET");
        assertEquals("SET", parse(byEnv).passwordEnv());
    }

    /** Issue 24, item 14: a misspelt key is refused like the collectors do, not ignored with its default in force. */
    @ParameterizedTest
    @ValueSource(strings = {"importer.batch.max-record", "importer.retention.day", "warehouse.usr", "gds.topics.event",
            "schema.registy.url"})
    void unknownOrMisspeltKeysAreRefusedNamingThem(String key) {
        Map<String, String> m = minimal();
        m.put(key, "1");
        String message = assertThrows(ImporterConfigException.class, () -> parse(m)).getMessage();
        assertTrue(message.startsWith("unknown setting '" + key + "'"), message);
    }

    @Test
    void aJdbcUrlWithUserAndPasswordIsRefusedWithoutEchoingThePassword() {
        Map<String, String> m = minimal();
        m.put("warehouse.url", "jdbc:postgresql://me:hunter2@db:5432/gds");
        String message = assertThrows(ImporterConfigException.class, () -> parse(m)).getMessage();
        assertTrue(message.contains("user:password@"), message);
        assertFalse(message.contains("hunter2"), message);
    }

    @Test
    void locationsInLogsLoseUserInfoAndParameters() {
        assertEquals("jdbc:postgresql://db:5432/gds", ImporterConfig.redact("jdbc:postgresql://me:pw@db:5432/gds?ssl=true"));
        assertEquals("jdbc:snowflake://acct.snowflakecomputing.com/",
                ImporterConfig.redact("jdbc:snowflake://acct.snowflakecomputing.com/?token=abc"));
    }

    @Test
    void readsAFileAndLetsOverridesWin() throws Exception {
        Path file = dir.resolve("importer.properties");
        Files.writeString(file, "kafka.bootstrap.servers=broker:9092\nschema.registry.url=http://registry:8081\n"
                + "importer.batch.max-records=10\n");
        ImporterConfig c = ImporterConfig.load(file, Map.of("importer.batch.max-records", "20"), name -> null);
        assertEquals("broker:9092", c.kafka().get("bootstrap.servers"));
        assertEquals(20, c.batch().maxRecords());
        assertEquals(file + " and system properties", c.source());
    }

    @Test
    void anUnreadableFileIsNamed() {
        Path missing = dir.resolve("nope.properties");
        String message = assertThrows(ImporterConfigException.class,
                () -> ImporterConfig.load(missing, Map.of(), name -> null)).getMessage();
        assertTrue(message.startsWith("cannot read the configuration file " + missing), message);
    }
}
