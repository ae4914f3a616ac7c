package com.gds.alerting.importer;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.config.Durations;
import com.gds.alerting.config.InvalidDurationException;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.importer.consume.Backoff;
import com.gds.alerting.importer.consume.BatchPolicy;
import com.gds.alerting.importer.warehouse.DuckDbDialect;
import com.gds.alerting.importer.warehouse.PostgresDialect;
import com.gds.alerting.importer.warehouse.SnowflakeDialect;
import com.gds.alerting.importer.warehouse.SqlDialect;

/**
 * The importer's settings, from a properties file (see {@code dw-importer/importer.example.properties}).
 *
 * <ul>
 *   <li>{@code kafka.*}: Kafka client settings, passed through without the prefix
 *       ({@code kafka.bootstrap.servers}, {@code kafka.security.protocol}, {@code kafka.sasl.*}, ...);
 *       the group is {@code gds-dw-importer} unless {@code kafka.group.id} says otherwise.</li>
 *   <li>{@code schema.registry.url}, {@code basic.auth.*}, ...: the serde's Confluent keys.</li>
 *   <li>{@code gds.topics.*}: topic names (defaults of docs/contracts.md).</li>
 *   <li>{@code warehouse.url}: the JDBC URL; its scheme picks the target (duckdb, postgresql,
 *       snowflake). {@code warehouse.user}; the password only by reference:
 *       {@code warehouse.password.env} (an environment variable) or {@code warehouse.password.file};
 *       {@code warehouse.property.<name>}: further JDBC properties (Snowflake's warehouse, role, ...).</li>
 *   <li>{@code importer.*}: batching, retry, retention and the HTTP port (see {@link #USAGE}).</li>
 * </ul>
 *
 * @param source where the settings came from, for messages
 */
public record ImporterConfig(String source, Map<String, Object> kafka, Map<String, Object> serde, GdsTopics topics,
                             String warehouseUrl, String warehouseUser, String passwordEnv, Path passwordFile,
                             Map<String, String> jdbcProperties, BatchPolicy batch, Backoff backoff,
                             Duration retention, Duration retentionCheckInterval, int httpPort, Path snowflakeStagingDir,
                             String httpHost) {

    /** The consumer group, unless {@code kafka.group.id} says otherwise. */
    public static final String DEFAULT_GROUP = "gds-dw-importer";

    /** Every {@code importer.*} and {@code warehouse.*} key with its default. */
    public static final String USAGE = """
              warehouse.url                     JDBC URL (default jdbc:duckdb:data/warehouse.duckdb);
                                                jdbc:duckdb:..., jdbc:postgresql://..., jdbc:snowflake://...
              warehouse.user                    user name
              warehouse.password.env            name of the environment variable holding the password
              warehouse.password.file           file holding the password (first line)
              warehouse.property.NAME           further JDBC connection property NAME
              importer.batch.max-records        flush at this many records (default 100000)
              importer.batch.max-bytes          flush at this many bytes of keys and values (default 67108864)
              importer.batch.max-wait           flush this long after a batch's first record (default 2s)
              importer.retry.initial-backoff    first wait after a failed batch (default 500ms)
              importer.retry.max-backoff        longest wait between attempts (default 30s)
              importer.retention.days           delete facts older than this many days; 0 = keep (default 0)
              importer.retention.check-interval how often to purge (default 1h)
              importer.http.port                /health and /metrics port; 0 = any free one, -1 = off (default 8083)
              importer.http.host                address to listen on, e.g. localhost (default: every interface)
              importer.snowflake.staging-dir    local folder for Snowflake batch files (default: temp dir)
            """;

    /** Every {@code importer.*} key there is. */
    private static final Set<String> IMPORTER_KEYS = Set.of("importer.batch.max-records", "importer.batch.max-bytes",
            "importer.batch.max-wait", "importer.retry.initial-backoff", "importer.retry.max-backoff",
            "importer.retention.days", "importer.retention.check-interval", "importer.http.port", "importer.http.host",
            "importer.snowflake.staging-dir");
    /** Every {@code warehouse.*} key there is, besides {@code warehouse.property.NAME}. */
    private static final Set<String> WAREHOUSE_KEYS = Set.of("warehouse.url", "warehouse.user", "warehouse.password.env",
            "warehouse.password.file");
    /** Every {@code gds.topics.*} key there is. */
    private static final Set<String> TOPIC_KEYS = Set.of("metrics-prefix", "rules", "silences", "commands", "events",
            "dlq-metrics", "dlq-notifications", "dlq-rules", "rules-accepted", "command-results", "dlq-commands");
    /** The serde's keys (no prefix). */
    private static final Set<String> SERDE_KEYS = Set.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL,
            AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, AvroSerdeConfig.USE_LATEST_VERSION,
            AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, AvroSerdeConfig.BASIC_AUTH_USER_INFO,
            AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION, AvroSerdeConfig.SSL_TRUSTSTORE_PASSWORD,
            AvroSerdeConfig.SSL_TRUSTSTORE_TYPE, AvroSerdeConfig.SSL_KEYSTORE_LOCATION, AvroSerdeConfig.SSL_KEYSTORE_PASSWORD,
            AvroSerdeConfig.SSL_KEYSTORE_TYPE, AvroSerdeConfig.SSL_KEY_PASSWORD, AvroSerdeConfig.CONNECT_TIMEOUT_MS,
            AvroSerdeConfig.READ_TIMEOUT_MS, AvroSerdeConfig.SERDE_CLASS);

    /** Reads a properties file (or none); every key may be overridden by {@code overrides} (the -D system properties). */
    public static ImporterConfig load(Path file, Map<String, String> overrides, UnaryOperator<String> env) {
        Map<String, String> raw = new TreeMap<>();
        if (file != null) {
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (IOException e) {
                throw new ImporterConfigException("cannot read the configuration file " + file + ": " + e.getMessage());
            }
            props.stringPropertyNames().forEach(k -> raw.put(k, props.getProperty(k).trim()));
        }
        raw.putAll(overrides);
        String source = file == null ? "system properties" : overrides.isEmpty() ? file.toString() : file + " and system properties";
        return parse(raw, source, env);
    }

    /** Parses settings; {@code source} says where they came from, for messages. */
    public static ImporterConfig parse(Map<String, String> raw, String source, UnaryOperator<String> env) {
        Settings r = new Settings(raw, source);
        Map<String, Object> kafka = new HashMap<>();
        Map<String, Object> serde = new HashMap<>();
        Map<String, String> jdbc = new TreeMap<>();
        raw.forEach((key, value) -> {
            if (key.startsWith("kafka.")) {
                kafka.put(key.substring("kafka.".length()), value);
            } else if (key.startsWith("warehouse.property.")) {
                jdbc.put(key.substring("warehouse.property.".length()), value);
            } else if (!key.startsWith("warehouse.") && !key.startsWith("importer.") && !key.startsWith(GdsTopics.CONFIG_PREFIX)) {
                serde.put(key, value);
            }
        });
        refuseUnknownKeys(raw, source);
        kafka.putIfAbsent("group.id", DEFAULT_GROUP);
        if (!kafka.containsKey("bootstrap.servers")) {
            throw new ImporterConfigException("kafka.bootstrap.servers is not set (in " + source + ")");
        }
        if (!serde.containsKey("schema.registry.url")) {
            throw new ImporterConfigException("schema.registry.url is not set (in " + source
                    + "): give http(s)://host:port or mem://<scope>");
        }
        if (raw.containsKey("warehouse.password")) {
            throw new ImporterConfigException("warehouse.password is not accepted (in " + source
                    + "): credentials are given by reference, with warehouse.password.env (an environment variable) "
                    + "or warehouse.password.file");
        }
        for (String secretish : jdbc.keySet()) {
            String lower = secretish.toLowerCase(Locale.ROOT);
            if (lower.contains("password") || lower.contains("pwd") || lower.contains("secret") || lower.contains("token")) {
                throw new ImporterConfigException("warehouse.property." + secretish + " looks like a credential (in "
                        + source + "): give it by reference (warehouse.password.env / warehouse.password.file, or a key file)");
            }
        }
        String url = r.string("warehouse.url", "jdbc:duckdb:data/warehouse.duckdb");
        dialectOf(url, source, Path.of(System.getProperty("java.io.tmpdir")));
        if (url.matches("(?s).*//[^/@]*:[^/@]*@.*")) {
            throw new ImporterConfigException("warehouse.url carries a password as user:password@ (in " + source
                    + "): use warehouse.user and warehouse.password.env or warehouse.password.file instead");
        }
        if (url.toLowerCase(Locale.ROOT).matches(".*[?&;:]password=.*")) {
            throw new ImporterConfigException("warehouse.url carries a password (in " + source
                    + "): use warehouse.password.env or warehouse.password.file instead");
        }
        String passwordEnv = raw.get("warehouse.password.env");
        if (passwordEnv != null && env.apply(passwordEnv) == null) {
            throw new ImporterConfigException("warehouse.password.env names the environment variable " + passwordEnv
                    + ", which is not set (in " + source + ")");
        }
        Path passwordFile = raw.containsKey("warehouse.password.file") ? Path.of(raw.get("warehouse.password.file")) : null;
        if (passwordFile != null && !Files.isReadable(passwordFile)) {
            throw new ImporterConfigException("warehouse.password.file " + passwordFile + " cannot be read (in " + source + ")");
        }
        if (passwordEnv != null && passwordFile != null) {
            throw new ImporterConfigException("give warehouse.password.env or warehouse.password.file, not both (in " + source + ")");
        }
        GdsTopics topics;
        try {
            topics = GdsTopics.fromConfig(raw);
        } catch (IllegalArgumentException e) {
            throw new ImporterConfigException(e.getMessage() + " (in " + source + ")");
        }
        BatchPolicy batch = new BatchPolicy(r.intAtLeast("importer.batch.max-records", 100_000, 1),
                r.longAtLeast("importer.batch.max-bytes", 64L << 20, 1), r.duration("importer.batch.max-wait", "2s"));
        Duration initial = r.duration("importer.retry.initial-backoff", "500ms");
        Duration max = r.duration("importer.retry.max-backoff", "30s");
        if (max.compareTo(initial) < 0) {
            throw new ImporterConfigException("importer.retry.max-backoff (" + max + ") is shorter than "
                    + "importer.retry.initial-backoff (" + initial + ") (in " + source + ")");
        }
        long days = r.longAtLeast("importer.retention.days", 0, 0);
        int port = r.intAtLeast("importer.http.port", 8083, -1);
        if (port > 65535) {
            throw new ImporterConfigException("importer.http.port must be -1..65535, got " + port + " (in " + source + ")");
        }
        Path stagingDir = Path.of(r.string("importer.snowflake.staging-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "gds-dw-importer").toString()));
        return new ImporterConfig(source, Map.copyOf(kafka), Map.copyOf(serde), topics, url,
                raw.get("warehouse.user"), passwordEnv, passwordFile, Map.copyOf(jdbc), batch,
                new Backoff(initial, max), Duration.ofDays(days), r.duration("importer.retention.check-interval", "1h"),
                port, stagingDir, r.string("importer.http.host", ""));
    }

    /**
     * A misspelt key would otherwise be ignored and its default used in silence (as the collectors
     * do, refuse it). {@code kafka.*} and {@code warehouse.property.*} pass through to their clients,
     * which know their own keys.
     */
    private static void refuseUnknownKeys(Map<String, String> raw, String source) {
        for (String key : raw.keySet()) {
            boolean known;
            if (key.startsWith("kafka.") || key.startsWith("warehouse.property.")) {
                known = true;
            } else if (key.startsWith("importer.")) {
                known = IMPORTER_KEYS.contains(key);
            } else if (key.startsWith("warehouse.")) {
                known = WAREHOUSE_KEYS.contains(key) || key.equals("warehouse.password");
            } else if (key.startsWith(GdsTopics.CONFIG_PREFIX)) {
                known = TOPIC_KEYS.contains(key.substring(GdsTopics.CONFIG_PREFIX.length()));
            } else {
                known = SERDE_KEYS.contains(key);
            }
            if (!known) {
                throw new ImporterConfigException("unknown setting '" + key + "' (in " + source + "); the settings are "
                        + "kafka.*, the schema registry's (schema.registry.url, basic.auth.*, ...), gds.topics.*, and:\n"
                        + USAGE);
            }
        }
    }

    /** The dialect of this target. */
    public SqlDialect dialect() {
        return dialectOf(warehouseUrl, source, snowflakeStagingDir);
    }

    /** The warehouse's address without user info or parameters, safe for logs. */
    public String warehouseLocation() {
        return redact(warehouseUrl);
    }

    /** A JDBC URL without its parameters ({@code ?...}, {@code ;...}) or user info ({@code user:pw@}). */
    public static String redact(String url) {
        String cut = url.split("[?;]", 2)[0];
        return cut.replaceAll("//[^/@]*@", "//");
    }

    private static SqlDialect dialectOf(String url, String source, Path stagingDir) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:duckdb:")) {
            return new DuckDbDialect();
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return new PostgresDialect();
        }
        if (lower.startsWith("jdbc:snowflake:")) {
            return new SnowflakeDialect(stagingDir);
        }
        throw new ImporterConfigException("warehouse.url " + redact(url) + " names no supported warehouse (in " + source
                + "): use jdbc:duckdb:, jdbc:postgresql: or jdbc:snowflake:");
    }

    /** Typed reads that name the key, the bad value and the source in their errors. */
    private record Settings(Map<String, String> raw, String source) {

        String string(String key, String fallback) {
            String value = raw.get(key);
            return value == null || value.isBlank() ? fallback : value.trim();
        }

        long longAtLeast(String key, long fallback, long min) {
            String value = raw.get(key);
            if (value == null || value.isBlank()) {
                return fallback;
            }
            try {
                long n = Long.parseLong(value.trim().replace("_", ""));
                if (n < min) {
                    throw bad(key, value, "a whole number >= " + min);
                }
                return n;
            } catch (NumberFormatException e) {
                throw bad(key, value, "a whole number >= " + min);
            }
        }

        int intAtLeast(String key, int fallback, int min) {
            long n = longAtLeast(key, fallback, min);
            if (n > Integer.MAX_VALUE) {
                throw bad(key, raw.get(key), "a whole number <= " + Integer.MAX_VALUE);
            }
            return (int) n;
        }

        /** A duration longer than zero, in the project's one grammar ({@link Durations}). */
        Duration duration(String key, String fallback) {
            try {
                return Durations.parsePositive(string(key, fallback));
            } catch (InvalidDurationException e) {
                throw new ImporterConfigException(key + ": " + e.getMessage() + " (in " + source + ")");
            }
        }

        private ImporterConfigException bad(String key, String value, String expected) {
            return new ImporterConfigException(key + " must be " + expected + ", got '" + value + "' (in " + source + ")");
        }
    }
}
