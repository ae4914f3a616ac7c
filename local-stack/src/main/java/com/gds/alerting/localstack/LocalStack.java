package com.gds.alerting.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.avro.serde.GdsAvroSerializer;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.collectors.AgentRunner;
import com.gds.alerting.collectors.MetricPublisher;
import com.gds.alerting.collectors.config.CollectorsConfig;
import com.gds.alerting.collectors.config.ConfigException;
import com.gds.alerting.collectors.config.ConfigLoader;
import com.gds.alerting.collectors.synthetic.SyntheticCollector;
import com.gds.alerting.collectors.synthetic.SyntheticFleet;
import com.gds.alerting.config.Durations;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.contract.TopicLayout;
import com.gds.alerting.importer.WarehouseImporter;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The whole product in one JVM on embedded defaults: an in-process KRaft broker, the in-memory
 * schema registry (served over the Confluent REST API), every topic of docs/contracts.md, and the
 * synthetic collector. Ctrl-C stops it cleanly; the broker's data stays in the data directory.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration TOPIC_VISIBLE_TIMEOUT = Duration.ofSeconds(30);
    /** A first start on a slow laptop restores nothing but still elects, joins and assigns. */
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /** Longer than the producer's delivery timeout (2 min), so a send that fails reports its own cause first. */
    private static final Duration RULE_PUBLISH_TIMEOUT = Duration.ofMinutes(3);
    /** The in-memory registry scope every service of the stack shares. */
    public static final String REGISTRY_SCOPE = "local-stack";
    /** Partitions of the metrics topics and those keyed like them: up to 6 alerting instances share them. */
    static final int PARTITIONS = 6;

    private final List<AutoCloseable> started = new ArrayList<>();
    private final LocalStackConfig config;
    private final GdsTopics topics = GdsTopics.defaults();
    private EmbeddedKafkaBroker broker;
    private SchemaRegistryHttpServer registryServer;
    private WarehouseImporter importer;
    private List<String> topicNames = List.of();
    private ApplicationContext service;

    /** True: the HTTP ports listen on every interface ({@code --open}); false: on loopback only. */
    private final boolean open;
    private List<Rule> rules = List.of();
    private WarehouseSnapshots snapshots;

    private LocalStack(LocalStackConfig config) {
        this.config = config;
        this.open = config.open();
    }

    /**
     * Starts everything and returns once the alerting service's API and the importer answer. The HTTP
     * ports (alerting service, importer) listen on every interface only with {@code open}:
     * authentication is off in the local stack. On any failure, stops what had started and rethrows.
     *
     * @throws InvalidInputException when the rule files or the collectors.yaml are invalid
     */
    public static LocalStack start(LocalStackConfig config) {
        LocalStack stack = new LocalStack(config);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() {
        // Invalid input stops the start before anything binds a port or touches the data directory.
        rules = RuleFiles.load(config.rules());
        requireFreePort("--kafka-port", config.kafkaPort());
        requireFreePort("--registry-port", config.registryPort());
        requireFreePort("--importer-port", config.importerPort());

        broker = EmbeddedKafkaBroker.builder().dataDir(config.dataDir().resolve("kafka")).port(config.kafkaPort())
                .build().start();
        started.add(broker);

        SyntheticFleet fleet = new SyntheticFleet(new Random(config.seed()), config.instancesPerType(),
                config.incidentProbability());
        topicNames = createTopics(TopicLayout.topics(topics, metricsTopics(fleet.topicsUsed()), PARTITIONS));

        try {
            registryServer = new SchemaRegistryHttpServer(InMemorySchemaRegistry.forScope(REGISTRY_SCOPE),
                    config.registryPort());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the schema registry on port " + config.registryPort(), e);
        }
        started.add(registryServer);

        MetricPublisher publisher = new MetricPublisher(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), serdeConfig(), topics);
        started.add(publisher);
        SyntheticCollector collector = new SyntheticCollector(fleet, publisher, Clock.systemUTC(), config.interval());
        collector.start();
        started.add(collector);

        importer = LocalStackImporter.start(config.dataDir(), broker.bootstrapServers(), serdeConfig(),
                open ? "" : "localhost", config.importerPort());
        started.add(importer);
        if (!config.snapshotInterval().isZero()) {
            snapshots = WarehouseSnapshots.start(LocalStackImporter.warehouseFile(config.dataDir()),
                    LocalStackImporter.snapshotFile(config.dataDir()), config.snapshotInterval());
            started.add(snapshots);
        }

        publishRules();
        service = startAlertingService();
        started.add(service);
        if (config.collectorsConfig() != null) {
            startCollectorAgent(config.collectorsConfig());
        }
        // "Ready" means what a user tries first answers: the REST API with the rules in force, and the importer.
        ServiceReadiness readiness = new ServiceReadiness(READY_TIMEOUT);
        readiness.await("the alerting service's readiness", serviceUrl() + "/health/readiness", body -> true);
        readiness.await("the alerting service's API", serviceUrl() + "/api/v1/alerts?limit=1", body -> true);
        readiness.await("the rules in force", serviceUrl() + "/api/v1/rules",
                body -> rules.stream().allMatch(r -> body.contains("\"" + r.getRuleId() + "\"")));
        readiness.await("the importer", "http://localhost:" + importer.httpPort() + "/health", body -> true);
    }

    /** The rules published at start (from {@code --rules}). */
    public List<Rule> rules() {
        return rules;
    }

    /** The warehouse snapshots, or null when {@code --snapshot-interval 0}. */
    WarehouseSnapshots snapshots() {
        return snapshots;
    }

    /**
     * Publishes the rules and waits for each acknowledgement: a rule lost here is an incident that never
     * alerts. One request in flight, because {@code gds.rules} may have been created a moment ago: on Kafka
     * before 4.5 an idempotent producer with several requests in flight to a fresh partition can have its first batch
     * refused while a later one is appended, and then expire it (KAFKA-15591).
     */
    private void publishRules() {
        GdsAvroSerializer<Rule> serializer = new GdsAvroSerializer<>();
        serializer.configure(serdeConfig(), false);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1), new StringSerializer(),
                new ByteArraySerializer())) {
            for (Rule rule : rules) {
                try {
                    producer.send(new ProducerRecord<>(topics.rules(), rule.getRuleId(), serializer.serialize(topics.rules(), rule)))
                            .get(RULE_PUBLISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    throw new IllegalStateException("cannot publish the rule '" + rule.getRuleId() + "' to "
                            + topics.rules() + ": " + (e.getCause() == null ? e : e.getCause()), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while publishing the rules", e);
                }
            }
        }
    }

    /** The alerting service in this JVM, open (no tokens: the local stack says so in its banner). */
    private ApplicationContext startAlertingService() {
        int port = config.httpPort() == 0 ? freePort() : config.httpPort();
        requireFreePort("--http-port", port);
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.port", port);
        if (!open) {
            props.put("micronaut.server.host", "localhost");
        }
        props.put("micronaut.security.enabled", false);
        props.put("gds.alerting.advertised-address", "localhost:" + port);
        props.put("gds.alerting.state-dir", config.dataDir().resolve("streams-state").toAbsolutePath().toString());
        props.put("gds.alerting.application-id", "gds-alerting-local");
        props.put("kafka.bootstrap.servers", broker.bootstrapServers());
        serdeConfig().forEach((k, v) -> props.put("gds.serde." + k, v));
        return ApplicationContext.run(EmbeddedServer.class, props).getApplicationContext();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the alerting service", e);
        }
    }

    /** The REST API of the alerting service. */
    public String serviceUrl() {
        return service.getBean(EmbeddedServer.class).getURL().toString();
    }

    /**
     * Starts the real collector agent in this JVM from a {@code collectors.yaml} (the flag {@code
     * --collectors-config}). Its Kafka bootstrap and registry are replaced by the stack's; the
     * topics its targets need are created. It is stopped with the stack.
     */
    private AgentRunner startCollectorAgent(Path collectorsYaml) {
        CollectorsConfig file;
        try {
            file = new ConfigLoader().load(collectorsYaml);
        } catch (ConfigException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        Map<String, Object> producer = new HashMap<>(file.producer());
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        Map<String, Object> serde = new HashMap<>(file.serde());
        serde.putAll(serdeConfig());
        CollectorsConfig config = new CollectorsConfig(producer, serde, topics, file.agent(), file.targets());
        createTopics(TopicLayout.topics(topics, metricsTopics(config.targets().stream()
                .map(t -> Map.entry(t.type().id(), t.environment())).distinct().toList()), PARTITIONS));
        AgentRunner runner = AgentRunner.start(config);
        started.add(runner);
        LOG.info("collector agent started from {}: {} targets", collectorsYaml, config.targets().size());
        return runner;
    }

    /** Serde settings for services inside the stack. */
    public Map<String, Object> serdeConfig() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, InMemorySchemaRegistry.SCHEME + REGISTRY_SCOPE);
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Port of the importer's /health and /metrics. */
    public int importerHttpPort() {
        return importer.httpPort();
    }

    /** The registry's HTTP address, for processes outside the stack. */
    public String registryUrl() {
        return registryServer.url();
    }

    public GdsTopics topics() {
        return topics;
    }

    private List<String> createTopics(List<NewTopic> wanted) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            for (NewTopic topic : wanted) {
                try {
                    admin.createTopics(List.of(topic)).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause(), e.getCause());
                    }
                }
            }
            awaitVisible(admin, wanted.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
        return wanted.stream().map(NewTopic::name).toList();
    }

    private List<String> metricsTopics(List<Map.Entry<String, String>> typeAndEnvironment) {
        return typeAndEnvironment.stream().map(e -> topics.metricsTopic(e.getKey(), e.getValue())).toList();
    }

    /** Created is not yet listed: the broker's metadata follows the controller a moment later. */
    private static void awaitVisible(Admin admin, List<String> names) throws InterruptedException {
        long deadline = System.nanoTime() + TOPIC_VISIBLE_TIMEOUT.toNanos();
        while (true) {
            try {
                if (admin.listTopics().names().get().containsAll(names)) {
                    return;
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot list topics: " + e.getCause(), e.getCause());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics created but not listed by the broker after " + TOPIC_VISIBLE_TIMEOUT);
            }
            Thread.sleep(50);
        }
    }

    /** What the stack prints once it answers: where everything is, and how long the start took. */
    String banner(Duration startTime) {
        StringBuilder b = new StringBuilder();
        b.append("\n==================== GDS Alerting local stack ====================\n");
        b.append(String.format("  Kafka bootstrap     %s%n", broker.bootstrapServers()));
        b.append(String.format("  Schema registry     %s  (Confluent REST API; in-process: mem://%s)%n",
                registryServer.url(), REGISTRY_SCOPE));
        b.append(String.format("  Data directory      %s%n", config.dataDir().toAbsolutePath()));
        b.append(String.format("  Synthetic fleet     %d instances of each of postgresql, mssql, mongodb, snowflake;%n",
                config.instancesPerType()));
        b.append(String.format("                      a cycle every %s, seed %d%n", Durations.format(config.interval()), config.seed()));
        b.append(String.format("  Alerting service    %s  (REST: /api/v1/alerts, /api/v1/rules, /health, /prometheus)%n",
                serviceUrl()));
        b.append(String.format("  Web console         %s/%n", serviceUrl()));
        b.append(String.format(open
                ? "                      AUTHENTICATION OFF and --open: anyone who can reach this machine can use it;%n"
                : "                      AUTHENTICATION OFF: listening on localhost only (--open to listen on every interface);%n"));
        b.append(String.format("                      %d rules from %s published on %s and in force%n", rules.size(),
                config.rules().stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", ")), topics.rules()));
        b.append(String.format("  Warehouse (DuckDB)  %s  (held open by the importer)%n", LocalStackImporter.warehouseFile(config.dataDir())));
        if (snapshots != null) {
            b.append(String.format("                      query it: duckdb -readonly %s%n", snapshots.target()));
            b.append(String.format("                      (a copy every %s, storage format %s: any DuckDB >= 1.0 reads it)%n",
                    Durations.format(config.snapshotInterval()), WarehouseSnapshots.STORAGE_VERSION));
        }
        b.append(String.format("                      importer /health and /metrics on http://localhost:%d%n", importer.httpPort()));
        b.append("  Topics\n");
        topicNames.forEach(t -> b.append("    ").append(t).append('\n'));
        b.append(String.format("  Ready in %.1f s (the API answers). Ctrl-C stops.%n", startTime.toMillis() / 1000.0));
        b.append("  Look:  kcat -b ").append(broker.bootstrapServers())
                .append(" -C -t gds.metrics.postgresql.prod -c 1 -f '%k\\n%s' | xxd | head\n");
        b.append("         curl ").append(registryServer.url()).append("/subjects\n");
        b.append("         curl ").append(serviceUrl()).append("/api/v1/alerts\n");
        b.append("==================================================================\n");
        return b.toString();
    }

    /** Stops everything it started, newest first. */
    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", started.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        started.clear();
    }

    private static void requireFreePort(String flag, int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("localhost"))) {
            s.setReuseAddress(true);
        } catch (BindException e) {
            throw new IllegalStateException("port " + port + " is in use (another local stack, or a Kafka or registry?): "
                    + "stop it or choose another with " + flag);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check port " + port, e);
        }
    }

    /** {@code bin/local-stack}: flags in {@link LocalStackCommand}; exits 0, 1 (did not start) or 2 (usage). */
    public static void main(String[] args) {
        int code = LocalStackCommand.commandLine().execute(args);
        if (code != 0) {
            System.exit(code);
        }
        // 0: --help, or stopped by Ctrl-C (the JVM is already shutting down; exiting again would block).
    }

    /** Input the user gave is invalid (rule files, collectors.yaml): the stack does not start, nothing to retry. */
    public static final class InvalidInputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidInputException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
