package com.gds.alerting.service.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.EnvironmentPropertySource;
import io.micronaut.context.env.MapPropertySource;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.SystemPropertiesPropertySource;

/**
 * {@code kafka.*}, {@code gds.serde.*} and {@code gds.topics.*} from environment variables and
 * {@code -D}, with Micronaut's precedence (-D over the environment over application.yml). The
 * environment and the system properties are property sources with the same order and naming
 * convention as Micronaut's own ones; {@code EnvironmentConfigurationIT} starts the real service
 * with real environment variables.
 */
class KafkaClientPropertiesTest {

    private ApplicationContext context;

    @AfterEach
    void close() {
        if (context != null) {
            context.close();
        }
    }

    private KafkaClientProperties read(Map<String, Object> environmentVariables, Map<String, Object> systemProperties) {
        context = ApplicationContext.builder()
                .environmentPropertySource(false)
                .propertySources(new FakeEnvironmentVariables(environmentVariables),
                        PropertySource.of("fake-system", systemProperties, SystemPropertiesPropertySource.POSITION))
                .build();
        context.getEnvironment().start();
        return new KafkaClientProperties(context.getEnvironment());
    }

    @Test
    void bootstrapServersFromTheEnvironmentReplaceTheDefault() {
        KafkaClientProperties p = read(Map.of("KAFKA_BOOTSTRAP_SERVERS", "10.0.0.1:19092"), Map.of());
        assertEquals("10.0.0.1:19092", p.kafka().get("bootstrap.servers"));
        assertEquals("10.0.0.1:19092", p.bootstrapServers());
        assertFalse(p.kafka().containsKey("bootstrap-servers"), "no second spelling reaches the clients: " + p.kafka());
    }

    @Test
    void systemPropertiesWinOverTheEnvironment() {
        KafkaClientProperties p = read(Map.of("KAFKA_BOOTSTRAP_SERVERS", "env:1", "GDS_SERDE_SCHEMA_REGISTRY_URL", "http://env:2"),
                Map.of("kafka.bootstrap.servers", "sysprop:1", "gds.serde.schema.registry.url", "http://sysprop:2"));
        assertEquals("sysprop:1", p.kafka().get("bootstrap.servers"));
        assertEquals("http://sysprop:2", p.serde().get("schema.registry.url"));
    }

    @Test
    void applicationYmlDefaultsHoldWhenNothingElseSaysOtherwise() {
        KafkaClientProperties p = read(Map.of(), Map.of());
        assertEquals("localhost:9092", p.kafka().get("bootstrap.servers"));
        assertEquals("http://localhost:8081", p.serde().get("schema.registry.url"));
        assertEquals("gds.alerts.command-results", p.topics().commandResults());
    }

    @Test
    void anyClientSettingComesThroughFromTheEnvironmentAsADottedKey() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";";
        KafkaClientProperties p = read(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_JAAS_CONFIG", jaas, "GDS_SERDE_BASIC_AUTH_USER_INFO", "user:pw"), Map.of());
        assertEquals("SASL_SSL", p.kafka().get("security.protocol"));
        assertEquals("PLAIN", p.kafka().get("sasl.mechanism"));
        assertEquals(jaas, p.kafka().get("sasl.jaas.config"));
        assertEquals("user:pw", p.serde().get("basic.auth.user.info"));
    }

    @Test
    void topicNamesFromTheEnvironmentAndFromSystemProperties() {
        KafkaClientProperties p = read(Map.of("GDS_TOPICS_COMMAND_RESULTS", "env.results", "GDS_TOPICS_EVENTS", "env.events",
                "GDS_TOPICS_METRICS_PREFIX", "env.metrics"), Map.of("gds.topics.events", "sysprop.events"));
        assertEquals("env.results", p.topics().commandResults());
        assertEquals("sysprop.events", p.topics().events());
        assertEquals("env.metrics", p.topics().metricsPrefix());
    }

    @Test
    void theRegistryUrlInTheLogCarriesNoCredentials() {
        KafkaClientProperties p = read(Map.of("GDS_SERDE_SCHEMA_REGISTRY_URL", "https://svc:s3cret@registry:8081,http://other:8081"),
                Map.of());
        assertEquals("https://***@registry:8081,http://other:8081", p.registryUrlForLogs());
    }

    /** What {@link EnvironmentPropertySource} is, over a map instead of {@code System.getenv()}. */
    private static final class FakeEnvironmentVariables extends MapPropertySource {
        FakeEnvironmentVariables(Map<String, Object> variables) {
            super("fake-env", variables);
        }

        @Override
        public int getOrder() {
            return EnvironmentPropertySource.POSITION;
        }

        @Override
        public PropertyConvention getConvention() {
            return PropertyConvention.ENVIRONMENT_VARIABLE;
        }
    }
}
