package com.gds.alerting.avro.serde;

import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Serde and registry settings. The keys are Confluent's, so one configuration works for this
 * serde and, when {@value #SERDE_CLASS} names it, for Confluent's {@code SpecificAvroSerde}.
 */
public final class AvroSerdeConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    /** Confluent's key for the record class a specific deserializer produces. */
    public static final String SPECIFIC_VALUE_TYPE = "specific.avro.value.type";
    /** Optional: a {@code Serde} class to use instead of ours, e.g. Confluent's SpecificAvroSerde. */
    public static final String SERDE_CLASS = "gds.avro.serde.class";

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Registry address(es): http(s)://host:port (several, comma-separated, are tried in turn) "
                            + "or mem://<scope> for the in-process registry of the local stack and tests.")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the record's schema on first use; when false it must already be registered.")
            .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.LOW,
                    "Serialize with the id of the subject's latest version (with auto.register.schemas=false).")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, "USER_INFO",
                    ConfigDef.ValidString.in("USER_INFO", "URL"), Importance.MEDIUM,
                    "USER_INFO: credentials from basic.auth.user.info; URL: from user:password@ in the URL.")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM, "user:password for basic auth.")
            .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, Importance.MEDIUM, "Trust store for an https registry.")
            .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "Trust store password.")
            .define(SSL_TRUSTSTORE_TYPE, Type.STRING, "PKCS12", Importance.LOW, "Trust store type.")
            .define(SSL_KEYSTORE_LOCATION, Type.STRING, null, Importance.LOW, "Key store for mutual TLS.")
            .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Key store password.")
            .define(SSL_KEYSTORE_TYPE, Type.STRING, "PKCS12", Importance.LOW, "Key store type.")
            .define(SSL_KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Private key password (default: the key store's).")
            .define(CONNECT_TIMEOUT_MS, Type.INT, 5_000, ConfigDef.Range.atLeast(1), Importance.LOW, "Connect timeout.")
            .define(READ_TIMEOUT_MS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW, "Request timeout.")
            .define(SPECIFIC_VALUE_TYPE, Type.CLASS, null, Importance.LOW,
                    "Generated record class the deserializer produces, when it is created by class name.")
            .define(SERDE_CLASS, Type.CLASS, null, Importance.LOW,
                    "A Serde to use instead of the built-in one, configured with these same properties.");

    public AvroSerdeConfig(Map<String, ?> props) {
        super(DEFINITION, props, false);
    }

    public boolean autoRegister() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    public boolean useLatestVersion() {
        return getBoolean(USE_LATEST_VERSION);
    }

    /** The value of a password-type setting, or null. */
    String secret(String key) {
        Password p = getPassword(key);
        return p == null ? null : p.value();
    }
}
