package com.gds.alerting.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.avro.serde.AvroSerdeConfig;
import com.gds.alerting.avro.serde.SchemaRegistryClient;
import com.gds.alerting.avro.serde.SchemaRegistryClients;
import com.gds.alerting.contract.MetricLimits;
import com.gds.alerting.importer.consume.BatchWriter;
import com.gds.alerting.importer.consume.DeadLetterPublisher;
import com.gds.alerting.importer.consume.ImporterLoop;
import com.gds.alerting.importer.decode.PayloadDecoder;
import com.gds.alerting.importer.ops.ImporterMeters;
import com.gds.alerting.importer.ops.ImporterMetrics;
import com.gds.alerting.importer.ops.OpsHttpServer;
import com.gds.alerting.importer.warehouse.ConnectionFactory;
import com.gds.alerting.importer.warehouse.JdbcWarehouse;
import com.gds.alerting.importer.warehouse.WarehouseUnavailableException;

/**
 * The running importer: a consumer thread ({@link ImporterLoop}) loading into one warehouse, a
 * dead-letter producer, and the {@code /health} and {@code /metrics} endpoints. Built from an
 * {@link ImporterConfig}; {@link #close()} stops it through the consumer's {@code wakeup()}.
 */
public final class WarehouseImporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WarehouseImporter.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final ImporterConfig config;
    private final ImporterMetrics metrics = new ImporterMetrics();
    private final SchemaRegistryClient registry;
    private final JdbcWarehouse warehouse;
    private final DeadLetterPublisher deadLetters;
    private final ImporterLoop loop;
    private final Thread thread;
    private final ImporterMeters meters;
    private final OpsHttpServer http;

    private WarehouseImporter(Builder b) {
        this.config = b.config;
        ConnectionFactory connections = b.connections != null ? b.connections : jdbcConnections(config, b.env);
        this.warehouse = new JdbcWarehouse(connections, config.dialect(), config.warehouseLocation(), b.clock);
        this.registry = SchemaRegistryClients.create(new AvroSerdeConfig(config.serde()));
        String group = config.kafka().get(ConsumerConfig.GROUP_ID_CONFIG).toString();
        KafkaProducer<byte[], byte[]> deadLetterProducer = new KafkaProducer<>(producerProps(config),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.deadLetters = new DeadLetterPublisher(deadLetterProducer, config.topics().dlqMetrics(), group);
        Pattern metricsPattern = config.topics().metricsPattern();
        Pattern subscription = Pattern.compile(metricsPattern.pattern() + "|" + Pattern.quote(config.topics().events()));
        BatchWriter writer = new BatchWriter(new PayloadDecoder(registry), warehouse, deadLetters,
                config.topics().events(), metricsPattern, b.clock, MetricLimits.DEFAULT_MAX_CLOCK_SKEW);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps(config), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.loop = new ImporterLoop(consumer, subscription, writer, config.batch(), config.backoff(), b.clock, metrics,
                new RetentionPurger(warehouse, config.retention(), config.retentionCheckInterval(), metrics),
                b.beforeCommit);
        this.meters = config.httpPort() < 0 ? null : new ImporterMeters(metrics, consumer, deadLetterProducer);
        this.http = meters == null ? null : new OpsHttpServer(config.httpHost(), config.httpPort(), metrics,
                meters.registry(), warehouse.dialect().name() + " at " + warehouse.location());
        this.thread = new Thread(this::runLoop, "gds-dw-importer");
    }

    /** A builder over {@code config}. */
    public static Builder builder(ImporterConfig config) {
        return new Builder(config);
    }

    private void start() {
        try {
            warehouse.connect();
        } catch (WarehouseUnavailableException e) {
            // Not fatal: the first batch retries with backoff until the warehouse answers.
            LOG.warn("warehouse not reachable at start; batches will wait for it: {}", e.getMessage());
        }
        thread.start();
        LOG.info("importer started: group {}, {} at {}, dead letters to {}{}",
                config.kafka().get(ConsumerConfig.GROUP_ID_CONFIG), warehouse.dialect().name(), warehouse.location(),
                config.topics().dlqMetrics(), http == null ? "" : ", /health and /metrics on port " + http.port());
    }

    private void runLoop() {
        try {
            loop.run();
        } catch (RuntimeException | Error e) {
            LOG.error("the importer stopped on an error: {}", e.toString(), e);
        }
    }

    /** Counters and state. */
    public ImporterMetrics metrics() {
        return metrics;
    }

    /** The HTTP port, or -1 when the endpoints are off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** True while the consumer thread runs. */
    public boolean isAlive() {
        return thread.isAlive();
    }

    /** Waits until the consumer thread ends (on {@link #close()} or an error). */
    public void awaitTermination() throws InterruptedException {
        thread.join();
    }

    /** Stops consuming (a pending batch gets one last attempt), then releases everything. */
    @Override
    public void close() {
        loop.shutdown();
        try {
            thread.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("the consumer thread did not stop within {}", STOP_TIMEOUT);
        }
        if (http != null) {
            http.close();
        }
        if (meters != null) {
            meters.close();
        }
        deadLetters.close();
        warehouse.close();
        registry.close();
    }

    static Map<String, Object> consumerProps(ImporterConfig config) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName()));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "gds-dw-importer");
        config.kafka().forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) {
                props.put(k, v);
            }
        });
        // Offsets are committed by hand, after the batch is durable: never automatically.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    static Map<String, Object> producerProps(ImporterConfig config) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "gds-dw-importer-dlq");
        config.kafka().forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k) && !k.equals(ProducerConfig.CLIENT_ID_CONFIG)) {
                props.put(k, v);
            }
        });
        return props;
    }

    /** Opens JDBC connections; the password is read at each connect, from where the configuration points. */
    static ConnectionFactory jdbcConnections(ImporterConfig config, UnaryOperator<String> env) {
        return () -> {
            Properties props = new Properties();
            props.putAll(config.jdbcProperties());
            if (config.warehouseUser() != null) {
                props.setProperty("user", config.warehouseUser());
            }
            String password = null;
            if (config.passwordEnv() != null) {
                password = env.apply(config.passwordEnv());
            } else if (config.passwordFile() != null) {
                try {
                    password = Files.readAllLines(config.passwordFile(), StandardCharsets.UTF_8).stream().findFirst().orElse("");
                } catch (IOException e) {
                    throw new java.sql.SQLException("cannot read warehouse.password.file " + config.passwordFile()
                            + ": " + e.getMessage(), "08001", e);
                }
            }
            if (password != null) {
                props.setProperty("password", password);
            }
            return DriverManager.getConnection(config.warehouseUrl(), props);
        };
    }

    /** Builds and starts an importer; the seams are for tests and the local stack. */
    public static final class Builder {
        private final ImporterConfig config;
        private Clock clock = Clock.systemUTC();
        private ConnectionFactory connections;
        private ImporterLoop.BeforeCommit beforeCommit = offsets -> { };
        private UnaryOperator<String> env = System::getenv;

        private Builder(ImporterConfig config) {
            this.config = config;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Connections to use instead of {@code DriverManager} with the configured URL. */
        public Builder connections(ConnectionFactory value) {
            this.connections = value;
            return this;
        }

        /** Called with the offsets just before each commit. */
        public Builder beforeCommit(ImporterLoop.BeforeCommit value) {
            this.beforeCommit = value;
            return this;
        }

        /** Where {@code warehouse.password.env} is looked up (default: the process environment). */
        public Builder environment(UnaryOperator<String> value) {
            this.env = value;
            return this;
        }

        /** Starts the importer. */
        public WarehouseImporter start() {
            WarehouseImporter importer = new WarehouseImporter(this);
            importer.start();
            return importer;
        }
    }
}
