package com.gds.alerting.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
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
import com.gds.alerting.rulescli.GdsRules;

/** The local stack as a user starts it, checked from outside: topics, wire format, the registry over HTTP. */
class LocalStackIT {

    /** The rule packs of the repository (the tests run in local-stack/). */
    static final Path PACKS = Path.of("..", "rules", "packs");

    @TempDir
    static Path dataDir;
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalStackConfig.parse("--data-dir", dataDir.toString(), "--kafka-port", "0",
                "--registry-port", "0", "--http-port", "0", "--importer-port", "0", "--instances-per-type", "6",
                "--interval", "300ms", "--incident-probability", "0", "--seed", "11", "--rules", PACKS.toString()));
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
                    "gds.dlq.commands", "gds.alerts.shadow")) {
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

    /** Issue 23: the banner said "ready" up to 30 s before the API answered. Ready now means it answers, at once. */
    @Test
    void onceStartedTheApiAnswersWithoutATokenAndEveryPackRuleIsInForce() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> alerts = http.send(HttpRequest.newBuilder(URI.create(stack.serviceUrl() + "/api/v1/alerts")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, alerts.statusCode(), "no token needed in the local stack, no retry needed: " + alerts.body());
        HttpResponse<String> rules = http.send(HttpRequest.newBuilder(URI.create(stack.serviceUrl() + "/api/v1/rules")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, rules.statusCode(), rules.body());
        List<String> published = stack.rules().stream().map(r -> r.getRuleId()).toList();
        assertTrue(published.size() >= 30 && published.contains("fleet-database-down") && published.contains("pg-replication-lag"),
                "the packs of rules/packs: " + published);
        for (String id : published) {
            assertTrue(rules.body().contains("\"" + id + "\""), id + " in force: " + rules.body());
        }
        HttpResponse<String> importer = http.send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + stack.importerHttpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, importer.statusCode(), importer.body());
    }

    /**
     * Issue 23: the README suggested publishing the packs next to hard-coded example rules, which
     * doubled every alert under two ids. The stack publishes the packs themselves: publishing them
     * again, as the README says, changes nothing.
     */
    @Test
    void publishingThePacksAgainWithGdsRulesChangesNothing() throws Exception {
        List<String> files;
        try (var listed = Files.list(PACKS)) {
            files = listed.filter(p -> p.toString().endsWith(".yaml")).map(Path::toString).sorted().toList();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("publish"));
        args.addAll(files);
        args.addAll(List.of("--bootstrap", stack.bootstrapServers(), "--registry", stack.registryUrl(), "--no-delete"));
        int code = GdsRules.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
        assertEquals(0, code, out + "\n" + err);
        assertTrue(out.toString().contains("Nothing to publish"), out.toString());
    }

    @Test
    void refusesToStartOnAPortInUseAndSaysWhichFlagToChange() {
        int busy = Integer.parseInt(stack.bootstrapServers().substring(stack.bootstrapServers().lastIndexOf(':') + 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LocalStack.start(LocalStackConfig.parse(
                "--data-dir", dataDir.resolve("other").toString(), "--kafka-port", Integer.toString(busy), "--registry-port", "0",
                "--rules", PACKS.toString())));
        assertTrue(e.getMessage().contains("port " + busy + " is in use") && e.getMessage().contains("--kafka-port"),
                e.getMessage());
    }
}

