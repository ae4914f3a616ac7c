package com.gds.alerting.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;

/** The local stack as a user starts it, checked from outside: topics, wire format, the registry over HTTP. */
class LocalStackIT {

    @TempDir
    static Path dataDir;
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(new LocalStackConfig(dataDir, 0, 0, 6, Duration.ofMillis(300), 0.0, 11, 0));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    /**
     * Issue 24, item 13: authentication is off in the local stack, so its HTTP ports (the alerting
     * service, the importer's /health) listen on loopback only unless started with --open.
     */
    @Test
    void httpPortsListenOnLoopbackOnly() throws Exception {
        int servicePort = java.net.URI.create(stack.serviceUrl()).getPort();
        java.net.InetAddress external = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> !a.isLoopbackAddress() && a instanceof java.net.Inet4Address).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(external != null, "this machine has no non-loopback address to try");
        for (int port : new int[] {servicePort, stack.importerHttpPort()}) {
            try (java.net.Socket local = new java.net.Socket("localhost", port)) {
                assertTrue(local.isConnected(), "reachable on loopback: " + port);
            }
            assertThrows(java.net.ConnectException.class, () -> new java.net.Socket(external, port).close(),
                    "port " + port + " must not be reachable on " + external);
        }
    }

    @Test
    void createsTheTopicsOfTheArchitectureWithTheirPartitionsAndCleanupPolicies() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            Set<String> names = admin.listTopics().names().get();
            for (String t : List.of("gds.rules", "gds.silences", "gds.alerts.commands", "gds.alerts.events",
                    "gds.dlq.metrics", "gds.dlq.notifications", "gds.dlq.rules", "gds.rules.accepted", "gds.alerts.command-results",
                    "gds.dlq.commands")) {
                assertTrue(names.contains(t), t + " in " + names);
            }
            for (String type : List.of("postgresql", "mssql", "mongodb", "snowflake")) {
                String topic = "gds.metrics." + type + ".prod";
                assertEquals(LocalStack.PARTITIONS, admin.describeTopics(List.of(topic)).allTopicNames().get()
                        .get(topic).partitions().size(), topic);
            }
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, "gds.rules"),
                    new ConfigResource(ConfigResource.Type.TOPIC, "gds.silences"),
                    new ConfigResource(ConfigResource.Type.TOPIC, "gds.metrics.postgresql.prod"))).all().get();
            configs.forEach((resource, config) -> assertEquals(
                    resource.name().startsWith("gds.metrics") ? "delete" : "compact",
                    config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value(), resource.name()));
        }
    }

    @Test
    void publishesSyntheticMetricsInConfluentWireFormatKeyedByInstanceReadableThroughTheHttpRegistry() {
        List<ConsumerRecord<String, byte[]>> raw = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "local-stack-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(stack.topics().metricsPattern());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Set<String> types = new HashSet<>();
            while ((raw.size() < 500 || types.size() < 4) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().startsWith("gds.metrics.gds_alerting.")) {
                        continue; // the alerting service's self-monitoring figures, not the synthetic fleet
                    }
                    raw.add(r);
                    types.add(r.topic().split("\\.")[2]);
                }
            }
            assertEquals(Set.of("postgresql", "mssql", "mongodb", "snowflake"), types);
        }

        // A process outside the stack decodes them with the registry's HTTP address only.
        GdsAvroDeserializer<Metric> outside = new GdsAvroDeserializer<>(Metric.class);
        outside.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl()), false);
        Set<String> metricNames = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : raw) {
            assertEquals(0, r.value()[0], "magic byte");
            assertTrue(ByteBuffer.wrap(r.value(), 1, 4).getInt() > 0, "schema id");
            Metric m = outside.deserialize(r.topic(), r.value());
            assertEquals(r.key(), m.getInstanceId(), "keyed by instance_id");
            assertEquals("gds.metrics." + m.getDatabaseType() + "." + m.getTags().get("environment"), r.topic());
            metricNames.add(m.getMetricName());
        }
        assertTrue(metricNames.containsAll(List.of("up", "collection_duration_ms", "connections_used_ratio")), metricNames.toString());
    }

    @Test
    void runsTheAlertingServiceOpenWithTheExampleRules() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String body = "";
        int status = 0;
        while (System.nanoTime() < deadline) {
            java.net.http.HttpResponse<String> response = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(stack.serviceUrl() + "/api/v1/rules")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            body = response.body();
            if (status == 200 && ExampleRules.all().stream().allMatch(r -> response.body().contains("\"" + r.getRuleId() + "\""))) {
                break;
            }
            Thread.sleep(200);
        }
        assertEquals(200, status, "no token needed in the local stack: " + body);
        for (var rule : ExampleRules.all()) {
            assertTrue(body.contains("\"" + rule.getRuleId() + "\""), rule.getRuleId() + " in " + body);
        }
    }

    @Test
    void refusesToStartOnAPortInUseAndSaysWhichFlagToChange() {
        int busy = Integer.parseInt(stack.bootstrapServers().substring(stack.bootstrapServers().lastIndexOf(':') + 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalStack.start(
                new LocalStackConfig(dataDir.resolve("other"), busy, 0, 1, Duration.ofSeconds(1), 0, 1, 0)));
        assertTrue(e.getMessage().contains("port " + busy + " is in use") && e.getMessage().contains("--kafka-port"),
                e.getMessage());
    }
}
