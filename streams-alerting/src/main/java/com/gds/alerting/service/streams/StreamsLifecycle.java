package com.gds.alerting.service.streams;

import java.time.Duration;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * Starts the streams once the HTTP server listens, so that the address advertised as
 * {@code application.server} answers as soon as other instances learn it, and closes them when the
 * context stops, <b>leaving the consumer group</b>. Kafka Streams' plain {@code close()} stays in
 * the group, so its partitions were evaluated by nobody until the session timed out (45 s): a
 * restart, or a stop while another instance runs, delayed every alert of those partitions by that
 * much, and the local stack's second start waited 42 s in REBALANCING. Leaving hands them to the
 * other instances, or to the restarted one, at once; the {@link KafkaStreams} bean's own
 * {@code preDestroy} close then finds nothing left to do.
 */
@Singleton
public class StreamsLifecycle implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsLifecycle.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final AlertingSettings settings;
    private final KafkaClientProperties clients;

    public StreamsLifecycle(KafkaStreams streams, AlertingSettings settings, KafkaClientProperties clients) {
        this.streams = streams;
        this.settings = settings;
        this.clients = clients;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        // Which cluster and registry, said once and plainly: a service that silently joined another
        // stack's cluster looked healthy. Key names only for the rest: values may hold secrets.
        LOG.info("starting the alerting topology: application id '{}', Kafka bootstrap servers {}, schema registry {}"
                        + " (advertised at {}, state in {}; Kafka client settings {})", settings.getApplicationId(),
                clients.bootstrapServers(), clients.registryUrlForLogs(), settings.getAdvertisedAddress(),
                settings.getStateDir().toAbsolutePath(), clients.kafka().keySet().stream().sorted().toList());
        PartitionCheck.verify(clients.kafka(), clients.topics(), settings.getCommandPartitions());
        ShadowTopicCheck.ensure(clients.kafka(), clients.topics());
        SettingsTopicCheck.ensure(clients.kafka(), clients.topics());
        streams.start();
    }

    @PreDestroy
    void close() {
        boolean closed = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
        if (!closed) {
            LOG.warn("the streams did not close within {}; the group may wait for their session to time out", CLOSE_TIMEOUT);
        }
    }
}
