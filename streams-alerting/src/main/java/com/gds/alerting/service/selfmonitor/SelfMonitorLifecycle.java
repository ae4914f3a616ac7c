package com.gds.alerting.service.selfmonitor;

import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.order.Ordered;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.contract.GdsTopics;
import com.gds.alerting.service.dispatch.DispatcherSettings;
import com.gds.alerting.service.streams.AlertingSettings;
import com.gds.alerting.service.streams.KafkaClientProperties;

/**
 * Runs the {@link SelfMonitor} every {@code gds.self-monitor.interval} on a thread of its own, from
 * when the server is up. The self-metrics topic is created first, before the streams subscribe to
 * the metrics pattern ({@code StreamsLifecycle} listens to the same event; this listener is ordered
 * ahead of it), so the topology reads the topic from its first assignment. A context without a
 * server (a test's, a tool's) never starts it.
 *
 * <p><b>One publisher per interval</b>: every instance runs the round, but only the one whose
 * stream thread holds partition 0 of the self-metrics topic as an active task measures and
 * publishes. Kafka Streams gives that partition to exactly one instance, moves it on a rebalance
 * and gives it to nobody while the streams are down (then the watchdog is withheld as well).
 */
@Singleton
@Requires(property = "gds.self-monitor.enabled", notEquals = "false")
public class SelfMonitorLifecycle implements ApplicationEventListener<ServerStartupEvent>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(SelfMonitorLifecycle.class);

    private final SelfMonitorSettings settings;
    private final Admin admin;
    private final KafkaProducer<String, Metric> producer;
    private final SelfMonitor monitor;
    private final SelfMonitor.Setup topicSetup;
    private final String selfTopic;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gds-self-monitor");
        t.setDaemon(true);
        return t;
    });

    public SelfMonitorLifecycle(SelfMonitorSettings settings, AlertingSettings alerting, DispatcherSettings dispatcher,
                                KafkaClientProperties clients, KafkaStreams streams, MeterRegistry registry) {
        this.settings = settings;
        GdsTopics topics = clients.topics();
        this.selfTopic = topics.metricsTopic(SelfFigures.DATABASE_TYPE, settings.getEnvironment());
        this.admin = Admin.create(clients.kafka());
        Map<String, Object> config = new HashMap<>(clients.kafka());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "gds-self-monitor-" + alerting.getAdvertisedAddress());
        this.producer = new KafkaProducer<>(config, new StringSerializer(),
                AvroSerdes.valueSerde(Metric.class, clients.serde()).serializer());
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put(alerting.getApplicationId(), "streams");
        // The dispatcher's group is watched even when it runs in other processes: its lag is late notifications.
        groups.put(dispatcher.getGroupId(), "dispatcher");
        SelfFigures figures = new SelfFigures(admin, topics, selfTopic, groups, settings.getDlqWindow(),
                settings.getEnvironment());
        this.topicSetup = () -> {
            boolean ready = SelfMetricsTopic.ensure(admin, selfTopic, topics.commands(), alerting.getCommandPartitions());
            if (!ready) {
                LOG.warn("self-metrics topic {} not created: the commands topic {} (whose partition count it must have) is"
                        + " missing; trying again next round", selfTopic, topics.commands());
            }
            return ready;
        };
        RuleSeeder seeder = new RuleSeeder(clients.kafka(), clients.serde(), topics.rules());
        SelfMonitor.Setup rules = settings.isRulesEnabled() ? () -> {
            seeder.seed(BuiltInRules.rules(settings));
            return true;
        } : () -> true;
        TopicPartition lead = new TopicPartition(selfTopic, 0);
        this.monitor = new SelfMonitor(topicSetup, rules, () -> holds(streams, lead), figures, producer, selfTopic, registry,
                Clock.systemUTC());
    }

    /** True when one of this instance's stream threads runs the active task that reads {@code partition}. */
    static boolean holds(KafkaStreams streams, TopicPartition partition) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return false;
        }
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                if (task.topicPartitions().contains(partition)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Ahead of the streams' start, which would otherwise subscribe before the topic exists. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        try {
            topicSetup.run();
        } catch (RuntimeException e) {
            LOG.warn("self-metrics topic {} not created at startup (trying again each round; the streams see it within"
                    + " metadata.max.age.ms once it exists): {}", selfTopic, e.getMessage());
        }
        LOG.info("self-monitoring every {} to {} (lag > {} for {}, dead letters > {} in {}, metrics topic idle > {})",
                settings.getInterval(), selfTopic, settings.getLagThreshold(), settings.getLagFor(), settings.getDlqThreshold(),
                settings.getDlqWindow(), settings.getIdleAfter());
        scheduler.scheduleAtFixedRate(monitor, 0, Math.max(1, settings.getInterval().toMillis()), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        admin.close();
    }
}
