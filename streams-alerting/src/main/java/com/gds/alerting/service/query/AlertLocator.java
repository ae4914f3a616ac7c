package com.gds.alerting.service.query;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;

import jakarta.inject.Singleton;

import com.gds.alerting.contract.AlertKeys;
import com.gds.alerting.service.streams.AlertingSettings;
import com.gds.alerting.topologies.AlertingTopology;

/**
 * Who holds what: the instance (and standbys) that own an alert key, and every instance of the
 * application. Apart from the controllers, as in the Confluent interactive-query examples.
 *
 * <p>Alert state is partitioned by the instance id inside the alert key (metrics are keyed by
 * instance id), not by the alert key itself, so the lookup uses a partitioner that hashes the
 * instance id the way the producers' default partitioner does.
 */
@Singleton
public class AlertLocator {

    private static final StreamPartitioner<String, Void> BY_INSTANCE = (topic, alertKey, value, partitions) -> {
        AlertKeys.Parts parts = AlertKeys.parse(alertKey);
        byte[] bytes = parts.instanceId().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return Optional.of(Set.of(Utils.toPositive(Utils.murmur2(bytes)) % partitions));
    };

    private final KafkaStreams streams;
    private final HostInfo self;

    public AlertLocator(KafkaStreams streams, AlertingSettings settings) {
        this.streams = streams;
        this.self = HostInfo.buildFromEndpoint(settings.getAdvertisedAddress());
    }

    /**
     * The active and standby hosts of {@code alertKey}.
     *
     * @throws NotFoundException       when it is not an alert key
     * @throws StateMigratingException while the owner is not known (rebalance, not yet running)
     */
    public KeyQueryMetadata locate(String alertKey) {
        if (AlertKeys.parse(alertKey) == null) {
            throw new NotFoundException("'" + alertKey
                    + "' is not an alert key <rule_id>:<instance_id>:<metric_name>[{tag=value,...}]");
        }
        KeyQueryMetadata metadata;
        try {
            metadata = streams.queryMetadataForKey(AlertingTopology.Names.ALERT_STATE_STORE, alertKey, BY_INSTANCE);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            throw new StateMigratingException("the owner of '" + alertKey + "' is not known yet: " + e.getMessage(), e);
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            throw new StateMigratingException("the owner of '" + alertKey + "' is not known while partitions move", null);
        }
        return metadata;
    }

    /** Every instance that holds part of the alert state. */
    public List<HostInfo> hosts() {
        Collection<StreamsMetadata> all;
        try {
            all = streams.streamsMetadataForStore(AlertingTopology.Names.ALERT_STATE_STORE);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            throw new StateMigratingException("the instances of the application are not known yet: " + e.getMessage(), e);
        }
        if (all.isEmpty()) {
            throw new StateMigratingException("no instance holds alert state yet", null);
        }
        return all.stream().map(StreamsMetadata::hostInfo).distinct().toList();
    }

    public boolean isSelf(HostInfo host) {
        return self.equals(host);
    }

    public HostInfo self() {
        return self;
    }
}
