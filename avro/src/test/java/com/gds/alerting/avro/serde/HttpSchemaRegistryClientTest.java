package com.gds.alerting.avro.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.Metric;

class HttpSchemaRegistryClientTest {

    private static Map<String, Object> config(String url) {
        Map<String, Object> config = new HashMap<>();
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url);
        return config;
    }

    @Test
    void registersLooksUpAndReadsBackOverTheConfluentRestApi() throws Exception {
        try (FakeConfluentRegistry registry = new FakeConfluentRegistry(null)) {
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(new AvroSerdeConfig(config(registry.url())));
            int id = client.register("gds.metrics.postgresql.prod-value", Metric.getClassSchema());
            assertEquals(1, id);
            assertEquals(id, client.register("gds.metrics.postgresql.prod-value", Metric.getClassSchema()), "idempotent");
            assertEquals(id, client.idOf("gds.metrics.postgresql.prod-value", Metric.getClassSchema()));
            assertEquals(Metric.getClassSchema(), client.schemaById(id));
            SchemaRegistryClient.RegisteredSchema latest = client.latest("gds.metrics.postgresql.prod-value");
            assertEquals(1, latest.version());
            assertEquals(id, latest.id());
            assertTrue(registry.requests.contains("POST /subjects/gds.metrics.postgresql.prod-value/versions"), registry.requests.toString());
            assertTrue(registry.requests.contains("GET /schemas/ids/1"), registry.requests.toString());
            assertTrue(registry.contentTypes.stream().allMatch("application/vnd.schemaregistry.v1+json"::equals));
        }
    }

    @Test
    void notFoundAndIncompatibleAnswersBecomeTypedErrors() throws Exception {
        try (FakeConfluentRegistry registry = new FakeConfluentRegistry(null)) {
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(new AvroSerdeConfig(config(registry.url())));

            SchemaRegistryException noSubject = assertThrows(SchemaRegistryException.class, () -> client.latest("nope-value"));
            assertEquals(404, noSubject.status());
            assertEquals(SchemaRegistryException.SUBJECT_NOT_FOUND, noSubject.errorCode());
            assertTrue(noSubject.getMessage().contains("Subject 'nope-value' not found"), noSubject.getMessage());
            assertFalse(noSubject.isRetryable());

            SchemaRegistryException noId = assertThrows(SchemaRegistryException.class, () -> client.schemaById(99));
            assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND, noId.errorCode());

            client.register("s-value", Metric.getClassSchema());
            Schema breaking = new Schema.Parser().parse(Metric.getClassSchema().toString()
                    .replace("\"fields\":[", "\"fields\":[{\"name\":\"unit\",\"type\":\"string\"},"));
            SchemaRegistryException incompatible = assertThrows(SchemaRegistryException.class,
                    () -> client.register("s-value", breaking));
            assertEquals(409, incompatible.status());
            assertTrue(incompatible.getMessage().contains("incompatible"), incompatible.getMessage());
        }
    }

    @Test
    void sendsBasicAuthFromConfiguration() throws Exception {
        String expected = "Basic " + Base64.getEncoder().encodeToString("svc:s3cret".getBytes());
        try (FakeConfluentRegistry registry = new FakeConfluentRegistry(expected)) {
            Map<String, Object> config = config(registry.url());
            SchemaRegistryException refused = assertThrows(SchemaRegistryException.class,
                    () -> new HttpSchemaRegistryClient(new AvroSerdeConfig(config)).register("a-value", Metric.getClassSchema()));
            assertEquals(401, refused.status());

            config.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO, "svc:s3cret");
            assertEquals(1, new HttpSchemaRegistryClient(new AvroSerdeConfig(config)).register("a-value", Metric.getClassSchema()));

            Map<String, Object> fromUrl = config(registry.url().replace("http://", "http://svc:s3cret@"));
            fromUrl.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "URL");
            HttpSchemaRegistryClient urlClient = new HttpSchemaRegistryClient(new AvroSerdeConfig(fromUrl));
            assertEquals(1, urlClient.idOf("a-value", Metric.getClassSchema()));
            assertFalse(urlClient.location().contains("s3cret"), "credentials never in messages: " + urlClient.location());
        }
    }

    @Test
    void serdeOverHttpCachesIdsAndSchemas() throws Exception {
        try (FakeConfluentRegistry registry = new FakeConfluentRegistry(null);
             Serde<AlertEvent> serde = AvroSerdes.valueSerde(AlertEvent.class, config(registry.url()))) {
            for (int i = 0; i < 5; i++) {
                byte[] bytes = serde.serializer().serialize("gds.alerts.events", SampleRecords.event());
                assertEquals(SampleRecords.event(), serde.deserializer().deserialize("gds.alerts.events", bytes));
            }
            assertEquals(1, registry.requests.stream().filter(r -> r.startsWith("POST")).count(), registry.requests.toString());
            assertEquals(1, registry.requests.stream().filter(r -> r.startsWith("GET")).count(), registry.requests.toString());
        }
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaFailsNamingTheSubject() throws Exception {
        try (FakeConfluentRegistry registry = new FakeConfluentRegistry(null)) {
            Map<String, Object> config = config(registry.url());
            config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false);
            try (Serde<Metric> serde = AvroSerdes.valueSerde(Metric.class, config)) {
                SerializationException e = assertThrows(SerializationException.class,
                        () -> serde.serializer().serialize("gds.metrics.mssql.prod", SampleRecords.metric()));
                assertTrue(e.getMessage().contains("'gds.metrics.mssql.prod-value'"), e.getMessage());
                assertTrue(e.getMessage().contains("not found"), e.getMessage());
            }
        }
    }

    @Test
    void anUnreachableRegistryIsNamedInTheError() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "http://localhost:" + closedPort;
        try (Serde<Metric> serde = AvroSerdes.valueSerde(Metric.class, config(url))) {
            SerializationException e = assertThrows(SerializationException.class,
                    () -> serde.serializer().serialize("gds.metrics.postgresql.prod", SampleRecords.metric()));
            assertTrue(e.getMessage().contains(url) && e.getMessage().contains("unreachable"), e.getMessage());
            SchemaRegistryException cause = (SchemaRegistryException) e.getCause();
            assertTrue(cause.isRetryable());

            byte[] payload = {0, 0, 0, 0, 1, 2};
            SchemaRegistryException onRead = assertThrows(SchemaRegistryException.class,
                    () -> serde.deserializer().deserialize("gds.metrics.postgresql.prod", payload));
            assertTrue(onRead.isRetryable(), "an unreachable registry is not the record's fault: no dead letter");
        }
    }

    @Test
    void triesTheNextUrlWhenOneIsDown() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (FakeConfluentRegistry registry = new FakeConfluentRegistry(null)) {
            HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(
                    new AvroSerdeConfig(config("http://localhost:" + closedPort + "," + registry.url())));
            assertEquals(1, client.register("x-value", Metric.getClassSchema()));
        }
    }

    @Test
    void badRegistryUrlsAreConfigErrorsNamingTheUrl() {
        ConfigException scheme = assertThrows(ConfigException.class,
                () -> AvroSerdes.valueSerde(Metric.class, config("ftp://registry:8081")));
        assertTrue(scheme.getMessage().contains("ftp://registry:8081") && scheme.getMessage().contains("'ftp'"),
                scheme.getMessage());

        ConfigException missing = assertThrows(ConfigException.class, () -> AvroSerdes.valueSerde(Metric.class, Map.of()));
        assertTrue(missing.getMessage().contains(AvroSerdeConfig.SCHEMA_REGISTRY_URL), missing.getMessage());

        ConfigException noScope = assertThrows(ConfigException.class,
                () -> AvroSerdes.valueSerde(Metric.class, config("mem://a,http://b:1")));
        assertTrue(noScope.getMessage().contains("mem://"), noScope.getMessage());
    }
}
