package com.gds.alerting.service.streams;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.AlertingTopologyConfig;
import com.gds.alerting.topologies.BoundedRocksDbMemory;
import com.gds.alerting.topologies.StoreKind;

/**
 * Builds the alerting topology from configuration and the {@link KafkaStreams} that runs it. The
 * streams are started by {@link StreamsLifecycle} once the HTTP server is up, and closed when the
 * context stops (SIGTERM), which commits and flushes state: nothing is lost, nothing is wiped.
 */
@Factory
public class StreamsFactory {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsFactory.class);

    @Singleton
    AlertingTopology alertingTopology(AlertingSettings settings, KafkaClientProperties clients) {
        AlertingTopologyConfig config = AlertingTopologyConfig.defaults(clients.serde())
                .withTopics(clients.topics())
                .withStoreKind(StoreKind.PERSISTENT)
                .withPunctuationInterval(settings.getPunctuationInterval())
                .withCommandPartitions(settings.getCommandPartitions())
                .withMaxClockSkew(settings.getMaxClockSkew())
                .withResolvedRetention(settings.getResolvedRetention());
        return AlertingTopology.build(config);
    }

    @Singleton
    @Bean(preDestroy = "close")
    KafkaStreams kafkaStreams(AlertingTopology alerting, AlertingSettings settings, KafkaClientProperties clients,
                              StreamsStateListeners stateListeners) {
        try {
            Files.createDirectories(settings.getStateDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create gds.alerting.state-dir " + settings.getStateDir().toAbsolutePath(), e);
        }
        Properties props = new Properties();
        props.putAll(clients.kafka());
        props.putAll(AlertingTopology.requiredStreamsConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.getApplicationId());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.getStateDir().toAbsolutePath().toString());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, settings.getAdvertisedAddress());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, settings.getStreamThreads());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, settings.getStandbyReplicas());
        props.put(BoundedRocksDbMemory.MEMORY_CONFIG, settings.getRocksdbMemory());
        try {
            // Checked here: refused inside a stream thread, the store would fail, and the thread be replaced, forever.
            BoundedRocksDbMemory.memory(Map.of(BoundedRocksDbMemory.MEMORY_CONFIG, settings.getRocksdbMemory()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("gds.alerting.rocksdb-memory (GDS_ALERTING_ROCKSDB_MEMORY): "
                    + e.getMessage().substring(BoundedRocksDbMemory.MEMORY_CONFIG.length() + 1), e);
        }
        KafkaStreams streams = new KafkaStreams(alerting.topology(), props);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed, replacing it (state is kept; the task resumes from its last commit)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener(stateListeners);
        return streams;
    }
}
