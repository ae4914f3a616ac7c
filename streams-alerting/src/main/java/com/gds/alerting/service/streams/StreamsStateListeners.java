package com.gds.alerting.service.streams;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.inject.Singleton;

/**
 * The one state listener {@link KafkaStreams} allows, shared: it logs each transition and tells
 * whoever registered. A listener runs on the thread that changed the state (a stream thread,
 * during a rebalance), so it must be quick; one that throws is logged and the others still run.
 */
@Singleton
public class StreamsStateListeners implements KafkaStreams.StateListener {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsStateListeners.class);

    private final List<KafkaStreams.StateListener> listeners = new CopyOnWriteArrayList<>();

    /** Adds {@code listener}; it hears every transition from now on. */
    public void add(KafkaStreams.StateListener listener) {
        listeners.add(listener);
    }

    public void remove(KafkaStreams.StateListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void onChange(KafkaStreams.State now, KafkaStreams.State before) {
        LOG.info("streams {} -> {}", before, now);
        for (KafkaStreams.StateListener listener : listeners) {
            try {
                listener.onChange(now, before);
            } catch (RuntimeException e) {
                LOG.warn("a streams state listener failed on {} -> {}", before, now, e);
            }
        }
    }
}
