package com.gds.alerting.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.collectors.MetricPublisher;
import com.gds.alerting.collectors.synthetic.SyntheticCollector;
import com.gds.alerting.collectors.synthetic.SyntheticFleet;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.importer.WarehouseImporter;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The whole product in one JVM on embedded defaults: an in-process KRaft broker, the in-memory
 * schema registry (served over the Confluent REST API), every topic of ARCHITECTURE.md, and the
 * synthetic collector. Ctrl-C stops it cleanly; the broker's data stays in the data directory.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    /** The in-memory registry scope every service of the stack shares. */
    public static final String REGISTRY_SCOPE = "local-stack";

    private final List<AutoCloseable> started = new ArrayList<>();
    private final LocalStackConfig config;
    private final GdsTopics topics = GdsTopics.defaults();
    private EmbeddedKafkaBroker broker;
    private SchemaRegistryHttpServer registryServer;
    private WarehouseImporter importer;
    private List<String> topicNames = List.of();

    private LocalStack(LocalStackConfig config) {
        this.config = config;
    }

    /** Starts everything; on any failure, stops what had started and rethrows. */
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
        requireFreePort("--kafka-port", config.kafkaPort());
        requireFreePort("--registry-port", config.registryPort());

        broker = EmbeddedKafkaBroker.builder().dataDir(config.dataDir().resolve("kafka")).port(config.kafkaPort())
                .build().start();
        started.add(broker);

        SyntheticFleet fleet = new SyntheticFleet(new Random(config.seed()), config.instancesPerType(),
                config.incidentProbability());
        topicNames = createTopics(TopicLayout.topics(topics, fleet.topicsUsed()));

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

        importer = LocalStackImporter.start(config.dataDir(), broker.bootstrapServers(), serdeConfig());
        started.add(importer);
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
            // The controller acknowledges a creation before the broker's metadata lists the topic;
            // "ready" means clients can see every topic.
            Set<String> names = wanted.stream().map(NewTopic::name).collect(Collectors.toSet());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!admin.listTopics().names().get().containsAll(names)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics created but not listed by the broker within 30 s: " + names);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list topics: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
        return wanted.stream().map(NewTopic::name).toList();
    }

    private String banner(long startMillis) {
        StringBuilder b = new StringBuilder();
        b.append("\n==================== GDS Alerting local stack ====================\n");
        b.append(String.format("  Kafka bootstrap     %s%n", broker.bootstrapServers()));
        b.append(String.format("  Schema registry     %s  (Confluent REST API; in-process: mem://%s)%n",
                registryServer.url(), REGISTRY_SCOPE));
        b.append(String.format("  Data directory      %s%n", config.dataDir().toAbsolutePath()));
        b.append(String.format("  Synthetic fleet     %d instances of each of postgresql, mssql, mongodb, snowflake;%n",
                config.instancesPerType()));
        b.append(String.format("                      a cycle every %s, seed %d%n", config.interval(), config.seed()));
        b.append(String.format("  Warehouse (DuckDB)  %s%n", LocalStackImporter.warehouseFile(config.dataDir())));
        b.append(String.format("                      importer /health and /metrics on http://localhost:%d%n", importer.httpPort()));
        b.append("  Topics\n");
        topicNames.forEach(t -> b.append("    ").append(t).append('\n'));
        b.append(String.format("  Ready in %.1f s. Ctrl-C stops.%n", (System.currentTimeMillis() - startMillis) / 1000.0));
        b.append("  Look:  kcat -b ").append(broker.bootstrapServers())
                .append(" -C -t gds.metrics.postgresql.prod -c 1 -f '%k\\n%s' | xxd | head\n");
        b.append("         curl ").append(registryServer.url()).append("/subjects\n");
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

    public static void main(String[] args) throws InterruptedException {
        LocalStackConfig config;
        try {
            config = LocalStackConfig.parse(Arrays.asList(args));
        } catch (LocalStackConfig.HelpRequested help) {
            System.out.print(help.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("local-stack: " + e.getMessage());
            System.exit(2);
            return;
        }
        long t0 = System.currentTimeMillis();
        LocalStack stack;
        try {
            stack = start(config);
        } catch (RuntimeException e) {
            LOG.error("the local stack did not start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        System.out.println(stack.banner(t0));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping the local stack");
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        stopped.await();
    }
}
