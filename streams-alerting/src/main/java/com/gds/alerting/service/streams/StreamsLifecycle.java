package com.gds.alerting.service.streams;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;

/**
 * Starts the streams once the HTTP server listens, so that the address advertised as
 * {@code application.server} answers as soon as other instances learn it. Closing is the
 * {@code preDestroy} of the {@link KafkaStreams} bean, run when the context stops.
 */
@Singleton
public class StreamsLifecycle implements ApplicationEventListener<ServerStartupEvent> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsLifecycle.class);

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
        streams.start();
    }
}
