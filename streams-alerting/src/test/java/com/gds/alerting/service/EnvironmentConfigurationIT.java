package com.gds.alerting.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.exceptions.HttpClientResponseException;

import com.gds.alerting.avro.Comparison;
import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;
import com.gds.alerting.avro.Selector;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.serde.AvroClassTrust;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The service started as users start it (docker-compose.yml, a container, a shell): its own JVM,
 * configured by environment variables only, among them every variable docker-compose.yml gives the
 * alerting replicas. It must use the broker, registry, application id, topic name and token of the
 * environment: its groups are on the in-process broker (which is not on 9092), it registered the
 * alert-event schema in the test's registry under the events topic named by the environment, it
 * answers the token of the environment and refuses others, and its startup log says which broker,
 * registry and application id it uses, without the token.
 */
class EnvironmentConfigurationIT {

    private static final String APPLICATION_ID = "env-app-" + UUID.randomUUID();
    private static final String DISPATCHER_GROUP = "env-dispatcher-" + UUID.randomUUID();
    private static final String TOKEN = "env-token-" + UUID.randomUUID();
    private static final GdsTopics TOPICS = GdsTopics.fromConfig(Map.of("gds.topics.events", "env.alerts.events"));
    private static final String METRICS = TOPICS.metricsTopic("postgresql", "prod");
    private static final String ALERT = "lag:pg-env-1:replication_lag_seconds";

    private static EmbeddedKafkaBroker broker;
    private static RestSchemaRegistry registry;
    private static ServiceProcess service;
    private static HttpClient http;
    private static Map<String, String> environment;

    @BeforeAll
    static void start() throws Exception {
        AvroClassTrust.install();
        broker = EmbeddedKafkaBroker.startTemporary();
        registry = new RestSchemaRegistry();
        TopicLayout.create(broker.bootstrapServers(), TOPICS, List.of(METRICS), 2);
        send(TOPICS.rules(), "lag", Rule.newBuilder().setRuleId("lag").setKind(RuleKind.THRESHOLD)
                .setSelector(new Selector("replication_lag_seconds", List.of()))
                .setConditions(List.of(new Condition(Severity.CRITICAL, Comparison.GT, 30.0, null))).build());

        int port = freePort();
        Path state = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "state-env");
        environment = new HashMap<>();
        environment.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        environment.put("GDS_SERDE_SCHEMA_REGISTRY_URL", registry.url());
        environment.put("GDS_ALERTING_APPLICATION_ID", APPLICATION_ID);
        environment.put("GDS_ALERTING_STATE_DIR", state.toAbsolutePath().toString());
        environment.put("GDS_ALERTING_ADVERTISED_ADDRESS", "localhost:" + port);
        environment.put("GDS_ALERTING_STANDBY_REPLICAS", "1");
        environment.put("GDS_ALERTING_ROCKSDB_MEMORY", "48MiB");
        environment.put("GDS_AUTH_TOKENS_ONCALL_TOKEN", TOKEN);
        environment.put("GDS_AUTH_TOKENS_ONCALL_RIGHTS", "read,write");
        environment.put("GDS_DISPATCHER_GROUP_ID", DISPATCHER_GROUP);
        environment.put("GDS_DISPATCHER_AUTO_OFFSET_RESET", "earliest");
        environment.put("GDS_TOPICS_EVENTS", TOPICS.events());
        environment.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        service = ServiceProcess.start(environment, Path.of("target", "env-configuration-it", "service.log"));
        http = HttpClient.create(new java.net.URL("http://localhost:" + port));
        await("the service is ready", () -> http.toBlocking().exchange(HttpRequest.GET("/health/readiness")).getStatus(),
                s -> s == HttpStatus.OK);
        await("the rule table holds the rule", () -> http.toBlocking().exchange(HttpRequest.GET("/api/v1/rules/lag")
                .bearerAuth(TOKEN)).getStatus(), s -> s == HttpStatus.OK);
        send(METRICS, "pg-env-1", Metric.newBuilder().setTimestamp(Instant.now()).setDatabaseType("postgresql")
                .setInstanceId("pg-env-1").setMetricName("replication_lag_seconds").setValue(45)
                .setTags(Map.of("environment", "prod")).setMetadata(new MetricMetadata(1L, "it", "c")).build());
    }

    @AfterAll
    static void stop() throws Exception {
        if (http != null) {
            http.close();
        }
        TestServices.closeAll(service, registry, broker);
    }

    @Test
    void everyVariableDockerComposeGivesTheAlertingReplicasIsOneThisTestSets() throws IOException {
        Set<String> compose = new TreeSet<>();
        for (String replica : List.of("alerting-1", "alerting-2")) {
            compose.addAll(composeEnvironment(replica).keySet());
        }
        Set<String> unchecked = new TreeSet<>(compose);
        unchecked.removeAll(environment.keySet());
        assertTrue(unchecked.isEmpty(), "docker-compose.yml sets " + unchecked + ", which this test does not prove the service reads");
    }

    @Test
    void theStreamsAndTheDispatcherJoinedTheBrokerOfTheEnvironment() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Set<String> groups = await("both groups on the broker", () -> {
                try {
                    return admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().map(GroupListing::groupId)
                            .collect(Collectors.toSet());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, g -> g.contains(APPLICATION_ID) && g.contains(DISPATCHER_GROUP));
            assertTrue(groups.contains(APPLICATION_ID), "the Kafka Streams application id of the environment: " + groups);
        }
    }

    @Test
    void theAlertWentThroughTheRegistryAndTheEventsTopicOfTheEnvironment() {
        Map<String, Object> alert = await("the alert fires", () -> http.toBlocking().retrieve(
                HttpRequest.GET("/api/v1/alerts/" + ALERT).bearerAuth(TOKEN), Argument.mapOf(String.class, Object.class)),
                a -> "FIRING".equals(a.get("state")));
        assertEquals(ALERT, alert.get("alert_key"));
        await("the service registered the alert-event schema", registry::subjects,
                s -> s.contains(TOPICS.events() + "-value"));
        assertTrue(registry.requests().stream().anyMatch(r -> r.startsWith("GET /schemas/ids/")),
                "the service read the rule and metric schemas from this registry: " + registry.requests());
    }

    @Test
    void theTokenOfTheEnvironmentIsTheOneAccepted() {
        assertEquals(HttpStatus.OK, http.toBlocking().exchange(HttpRequest.GET("/api/v1/me").bearerAuth(TOKEN)).getStatus());
        Map<String, Object> me = http.toBlocking().retrieve(HttpRequest.GET("/api/v1/me").bearerAuth(TOKEN),
                Argument.mapOf(String.class, Object.class));
        assertEquals("oncall", me.get("name"));
        assertEquals(List.of("read", "write"), me.get("rights"));
        assertEquals(HttpStatus.UNAUTHORIZED, status(() -> http.toBlocking().exchange(
                HttpRequest.GET("/api/v1/alerts").bearerAuth("not-" + TOKEN))));
        assertEquals(HttpStatus.UNAUTHORIZED, status(() -> http.toBlocking().exchange(HttpRequest.GET("/api/v1/alerts"))));
    }

    @Test
    void theStartupLogSaysWhichBrokerRegistryAndApplicationIdWithoutTheToken() {
        String log = await("the startup line", service::output, o -> o.contains("starting the alerting topology"));
        String line = log.lines().filter(l -> l.contains("starting the alerting topology")).findFirst().orElseThrow();
        assertTrue(line.contains(" INFO "), line);
        assertTrue(line.contains("application id '" + APPLICATION_ID + "'"), line);
        assertTrue(line.contains("Kafka bootstrap servers " + broker.bootstrapServers()), line);
        assertTrue(line.contains("schema registry " + registry.url()), line);
        assertTrue(line.contains("advertised at " + environment.get("GDS_ALERTING_ADVERTISED_ADDRESS")), line);
        assertTrue(line.contains("state in " + environment.get("GDS_ALERTING_STATE_DIR")), line);
        assertFalse(log.contains(TOKEN), "the token is never logged");
    }

    @Test
    void theStateDirectoryAndTheStandbyReplicasOfTheEnvironmentAreUsed() {
        Path state = Path.of(environment.get("GDS_ALERTING_STATE_DIR"), APPLICATION_ID);
        await("the state directory of the application", () -> Files.isDirectory(state), Boolean::booleanValue);
        // One instance cannot hold a standby of itself: Kafka Streams says so when asked for one.
        await("standby replicas asked for", service::output, o -> o.contains("standby tasks"));
    }

    @Test
    void theRocksDbMemoryOfTheEnvironmentBoundsTheStores() {
        // Logged when the first store opens; the default (256MiB) would say so instead.
        await("RocksDB bounded", service::output, o -> o.contains("RocksDB memory bounded to 48MiB for the process"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyJavaServiceInDockerComposeExitsOnOutOfMemory() throws IOException {
        // A JVM that survives an OutOfMemoryError half-dead (a producer or stream thread gone,
        // liveness still 200) stops alerting silently; exiting lets the restart policy bring it back.
        try (InputStream in = Files.newInputStream(Path.of("..", "docker-compose.yml"))) {
            Map<String, Object> services = (Map<String, Object>) ((Map<String, Object>) new Yaml().load(in)).get("services");
            int javaServices = 0;
            for (Map.Entry<String, Object> service : services.entrySet()) {
                Object command = ((Map<String, Object>) service.getValue()).get("command");
                if (command instanceof List<?> words && !words.isEmpty() && "java".equals(words.get(0))) {
                    javaServices++;
                    assertTrue(words.contains("-XX:+ExitOnOutOfMemoryError"), service.getKey() + " runs " + words);
                }
            }
            assertTrue(javaServices >= 4, "the alerting replicas, the collectors and the importer run java: " + javaServices);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> composeEnvironment(String service) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("..", "docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            Map<String, Object> services = (Map<String, Object>) compose.get("services");
            return (Map<String, Object>) ((Map<String, Object>) services.get(service)).get("environment");
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> void send(String topic, String key, T value) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) value.getClass();
        try (KafkaProducer<String, T> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new StringSerializer(), AvroSerdes.valueSerde(type, Map.of("schema.registry.url", registry.url())).serializer())) {
            producer.send(new ProducerRecord<>(topic, key, value));
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpStatus status(Runnable call) {
        try {
            call.run();
        } catch (HttpClientResponseException e) {
            return e.getStatus();
        }
        return HttpStatus.OK;
    }

    /** Polls until {@code condition} holds (errors count as "not yet"), failing with the service's last output. */
    private static <T> T await(String what, Supplier<T> attempt, java.util.function.Predicate<T> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Object last = null;
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                fail("the service exited while waiting for " + what + ":\n" + service.tail(60));
            }
            try {
                T value = attempt.get();
                if (condition.test(value)) {
                    return value;
                }
                last = value;
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        fail(what + " did not happen; last " + last + "\n" + service.tail(60));
        return null;
    }
}
