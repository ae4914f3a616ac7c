package com.gds.alerting.kafka.embedded;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running in this JVM.
 *
 * <p>It does what {@code kafka-storage.sh format} and {@code kafka-server-start.sh} do: formats
 * the log directory with {@link Formatter} the first time, then starts {@link KafkaRaftServer}.
 * A data directory that is already formatted is reused, so topics and offsets survive a restart
 * of the local stack. With no data directory given, a temporary one is used and deleted on
 * {@link #close()}.
 *
 * <p>For the local stack and for tests only: production talks to a real cluster.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String HOST = "localhost";
    private static final int NODE_ID = 1;

    private final Path logDir;
    private final boolean deleteOnClose;
    private final int brokerPort;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Builder builder) {
        try {
            this.deleteOnClose = builder.dataDir == null;
            this.logDir = builder.dataDir == null
                    ? Files.createTempDirectory("gds-kafka-")
                    : Files.createDirectories(builder.dataDir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the broker data directory " + builder.dataDir, e);
        }
        this.brokerPort = builder.port == 0 ? freePort() : builder.port;
        this.controllerPort = freePort();
        this.overrides = Map.copyOf(builder.overrides);
    }

    /** A builder with a temporary data directory and a free port. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a broker on a free port with a temporary data directory. */
    public static EmbeddedKafkaBroker startTemporary() {
        return builder().build().start();
    }

    /**
     * Formats the data directory if it is new and starts the broker; returns when it accepts
     * connections.
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null) {
            return this;
        }
        KafkaConfig config = new KafkaConfig(brokerConfig(), false);
        formatIfNew();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        LOG.info("Kafka broker started on {} (data in {})", bootstrapServers(), logDir);
        return this;
    }

    /** {@code localhost:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    /** The directory holding the broker's logs and metadata. */
    public Path logDir() {
        return logDir;
    }

    /** Stops the broker, waits for it to finish, and deletes a temporary data directory. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            LOG.info("Kafka broker on {} stopped", bootstrapServers());
        }
        if (deleteOnClose) {
            deleteRecursively(logDir);
        }
    }

    private Map<String, String> brokerConfig() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        // One node: every internal topic has one replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "6");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "6");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created explicitly, with the partition counts and cleanup policies the
        // product needs; a typo in a topic name should fail, not create a new topic.
        props.put("auto.create.topics.enable", "false");
        props.putAll(overrides);
        return props;
    }

    private void formatIfNew() {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName("CONTROLLER")
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setIgnoreFormatted(true);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the Kafka data directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete the temporary broker directory {}: {}", dir, e.toString());
        }
    }

    /** Configures an {@link EmbeddedKafkaBroker}. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /** Keep the broker's data here (created if missing, reused if formatted). */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** The client port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("broker port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Any broker property, applied after the defaults. */
        public Builder brokerProperty(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
