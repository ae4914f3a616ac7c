package com.gds.alerting.service.ops;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.gds.alerting.avro.AlertState;
import com.gds.alerting.avro.Severity;
import com.gds.alerting.avro.internal.AlertStatus;
import com.gds.alerting.topologies.AlertingCounters;
import com.gds.alerting.topologies.AlertingTopology;
import com.gds.alerting.topologies.alert.Severities;

/**
 * What {@code /prometheus} shows besides the JVM: every Kafka Streams metric, the topology's
 * counters ({@code gds_alerting_metrics_evaluated_total}, dead letters, late samples, rules,
 * commands, events) and the alerts this instance holds by state and severity (recounted from the
 * local stores, so a scrape never scans them: open alerts every 30 s, resolved ones every 5 min).
 */
@Singleton
public class AlertingMetrics implements MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(AlertingMetrics.class);

    private final KafkaStreams streams;
    private final AlertingCounters counters;
    private final Map<AlertState, Map<Severity, AtomicLong>> alerts = new EnumMap<>(AlertState.class);
    private KafkaStreamsMetrics streamsMetrics;
    /** Recounts done; the resolved alerts are counted on every {@link #RESOLVED_EVERY}th. */
    private int recounts;
    static final int RESOLVED_EVERY = 10;

    public AlertingMetrics(KafkaStreams streams, AlertingTopology alerting) {
        this.streams = streams;
        this.counters = alerting.counters();
        for (AlertState state : AlertState.values()) {
            Map<Severity, AtomicLong> bySeverity = new EnumMap<>(Severity.class);
            for (Severity severity : Severity.values()) {
                bySeverity.put(severity, new AtomicLong());
            }
            alerts.put(state, bySeverity);
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        for (AlertingCounters.Counter counter : AlertingCounters.Counter.values()) {
            FunctionCounter.builder("gds.alerting." + counter.metricName(), counters, c -> c.get(counter))
                    .description("alerting topology: " + counter.metricName().replace('_', ' '))
                    .register(registry);
        }
        alerts.forEach((state, bySeverity) -> bySeverity.forEach((severity, value) ->
                Gauge.builder("gds.alerting.alerts", value, AtomicLong::get)
                        .description("alerts held by this instance")
                        .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
                        .tag("severity", severity.name().toLowerCase(java.util.Locale.ROOT))
                        .register(registry)));
    }

    /**
     * Recounts the alerts of this instance's active tasks: the open ones every time, from the
     * open-alert keys (a cost of the open alerts); the resolved ones, which need a scan of the whole
     * state store, every {@link #RESOLVED_EVERY}th time (5 min).
     */
    @Scheduled(fixedDelay = "30s", initialDelay = "10s")
    void recount() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return;
        }
        boolean withResolved = recounts++ % RESOLVED_EVERY == 0;
        Map<AlertState, Map<Severity, Long>> counted = new EnumMap<>(AlertState.class);
        try {
            ReadOnlyKeyValueStore<String, AlertStatus> store = streams.store(StoreQueryParameters.fromNameAndType(
                    AlertingTopology.Names.ALERT_STATE_STORE, QueryableStoreTypes.keyValueStore()));
            ReadOnlyKeyValueStore<String, byte[]> open = streams.store(StoreQueryParameters.fromNameAndType(
                    AlertingTopology.Names.ALERT_OPEN_STORE, QueryableStoreTypes.keyValueStore()));
            try (KeyValueIterator<String, byte[]> it = open.all()) {
                while (it.hasNext()) {
                    AlertStatus s = store.get(it.next().key);
                    if (s != null && s.getState() != AlertState.RESOLVED) {
                        add(counted, s);
                    }
                }
            }
            if (withResolved) {
                try (KeyValueIterator<String, AlertStatus> it = store.all()) {
                    while (it.hasNext()) {
                        AlertStatus s = it.next().value;
                        if (s.getState() == AlertState.RESOLVED) {
                            add(counted, s);
                        }
                    }
                }
            }
        } catch (InvalidStateStoreException e) {
            LOG.debug("alert count skipped while state migrates: {}", e.getMessage());
            if (withResolved) {
                recounts = 0; // the resolved ones again next time
            }
            return;
        }
        alerts.forEach((state, bySeverity) -> {
            if (state != AlertState.RESOLVED || withResolved) {
                bySeverity.forEach((severity, value) ->
                        value.set(counted.getOrDefault(state, Map.of()).getOrDefault(severity, 0L)));
            }
        });
    }

    private static void add(Map<AlertState, Map<Severity, Long>> counted, AlertStatus s) {
        counted.computeIfAbsent(s.getState(), k -> new EnumMap<>(Severity.class)).merge(Severities.effective(s), 1L, Long::sum);
    }

    @PreDestroy
    void close() {
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
    }
}
