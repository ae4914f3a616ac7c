package com.gds.alerting.service.selfmonitor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.MetricMetadata;
import com.gds.alerting.contract.GdsTopics;

/**
 * Measures the pipeline from the outside of its clients, with the Admin API only (no consumer
 * joins any group): the consumer lag of the alerting application and of the dispatcher, the dead
 * letters on each {@code gds.dlq.*} topic, and how long each metrics topic has received nothing.
 * Each figure is one ordinary {@link Metric} of database type {@value #DATABASE_TYPE}.
 *
 * <ul>
 * <li>{@value #CONSUMER_LAG} (instance = group id, tag {@code group_kind} = streams | dispatcher):
 *     the sum over the group's partitions of the last stable offset minus the committed offset;
 *     absent while the group has committed nothing.</li>
 * <li>{@value #DLQ_TOTAL} (instance = topic): the end offsets summed, a counter for dashboards.</li>
 * <li>{@value #DLQ_ADDED} (instance = topic): records appended within the trailing window, from the
 *     first offset whose timestamp is inside it (stateless: the same answer from any instance).</li>
 * <li>{@value #TOPIC_IDLE} (instance = topic): now minus the newest record timestamp of the topic
 *     (ListOffsets {@code maxTimestamp}); for a topic with no record, the time since this monitor
 *     first saw it empty. The self-metrics topic itself is left out: it is never idle while the
 *     monitor runs, and when the monitor stops the watchdog says so.</li>
 * </ul>
 */
public final class SelfFigures {

    public static final String DATABASE_TYPE = "gds_alerting";
    public static final String CONSUMER_LAG = "alerting_consumer_lag_records";
    public static final String DLQ_TOTAL = "dlq_records_total";
    public static final String DLQ_ADDED = "dlq_records_added";
    public static final String TOPIC_IDLE = "metrics_topic_idle_seconds";
    private static final Pattern DLQ = Pattern.compile("gds\\.dlq\\..+");
    private static final long TIMEOUT_S = 30;

    private final Admin admin;
    private final GdsTopics topics;
    private final String selfTopic;
    private final Map<String, String> groups;
    private final Duration dlqWindow;
    private final String environment;
    /** Metrics topics seen without any record, and since when (this instance's own memory). */
    private final Map<String, Instant> emptySince = new HashMap<>();

    /**
     * @param groups      consumer group id → kind ({@code streams}, {@code dispatcher}) whose lag is measured
     * @param selfTopic   the self-metrics topic (left out of the idle figures)
     * @param environment the {@code environment} tag
     */
    public SelfFigures(Admin admin, GdsTopics topics, String selfTopic, Map<String, String> groups, Duration dlqWindow,
                       String environment) {
        this.admin = admin;
        this.topics = topics;
        this.selfTopic = selfTopic;
        this.groups = Map.copyOf(groups);
        this.dlqWindow = dlqWindow;
        this.environment = environment;
    }

    /** Every figure, measured now. */
    public List<Metric> measure(Instant now) {
        String cycle = "self-" + now.toEpochMilli();
        List<Metric> out = new ArrayList<>();
        try {
            Set<String> names = admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS);
            for (Map.Entry<String, String> group : new java.util.TreeMap<>(groups).entrySet()) {
                Long lag = lag(group.getKey());
                if (lag != null) {
                    out.add(metric(now, cycle, group.getKey(), CONSUMER_LAG, lag, Map.of("group_kind", group.getValue())));
                }
            }
            Set<String> dlqs = new TreeSet<>();
            for (String name : List.of(topics.dlqMetrics(), topics.dlqNotifications(), topics.dlqRules(), topics.dlqCommands())) {
                if (names.contains(name)) {
                    dlqs.add(name);
                }
            }
            names.stream().filter(n -> DLQ.matcher(n).matches()).forEach(dlqs::add);
            if (!dlqs.isEmpty()) {
                Map<TopicPartition, Long> end = offsets(partitions(dlqs), OffsetSpec.latest());
                Map<TopicPartition, Long> windowStart = offsets(end.keySet(),
                        OffsetSpec.forTimestamp(now.minus(dlqWindow).toEpochMilli()));
                for (String dlq : dlqs) {
                    long total = 0;
                    long added = 0;
                    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                        if (e.getKey().topic().equals(dlq)) {
                            total += e.getValue();
                            long from = windowStart.getOrDefault(e.getKey(), -1L);
                            added += from < 0 ? 0 : Math.max(0, e.getValue() - from);
                        }
                    }
                    out.add(metric(now, cycle, dlq, DLQ_TOTAL, total, Map.of()));
                    out.add(metric(now, cycle, dlq, DLQ_ADDED, added, Map.of("window", dlqWindow.toString())));
                }
            }
            Pattern metrics = topics.metricsPattern();
            Set<String> metricTopics = new TreeSet<>();
            names.stream().filter(n -> metrics.matcher(n).matches() && !n.equals(selfTopic)).forEach(metricTopics::add);
            emptySince.keySet().retainAll(metricTopics);
            if (!metricTopics.isEmpty()) {
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> newest = infos(partitions(metricTopics),
                        OffsetSpec.maxTimestamp());
                for (String topic : metricTopics) {
                    long latest = -1;
                    for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : newest.entrySet()) {
                        if (e.getKey().topic().equals(topic) && e.getValue().offset() >= 0) {
                            latest = Math.max(latest, e.getValue().timestamp());
                        }
                    }
                    Instant since;
                    if (latest >= 0) {
                        emptySince.remove(topic);
                        since = Instant.ofEpochMilli(latest);
                    } else {
                        since = emptySince.computeIfAbsent(topic, t -> now);
                    }
                    long idle = Math.max(0, Duration.between(since, now).toSeconds());
                    out.add(metric(now, cycle, topic, TOPIC_IDLE, idle, Map.of()));
                }
            }
            return out;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot measure the pipeline: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring the pipeline", e);
        }
    }

    /** The group's lag, or null when it has committed nothing. */
    private Long lag(String group) throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<TopicPartition, Long> positions = new HashMap<>();
        committed.forEach((tp, o) -> {
            if (o != null) {
                positions.put(tp, o.offset());
            }
        });
        if (positions.isEmpty()) {
            return null;
        }
        Map<TopicPartition, Long> end = offsets(positions.keySet(), OffsetSpec.latest());
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
            Long last = end.get(e.getKey());
            if (last != null) {
                lag += Math.max(0, last - e.getValue());
            }
        }
        return lag;
    }

    private Set<TopicPartition> partitions(Set<String> names) throws ExecutionException, InterruptedException, TimeoutException {
        Set<TopicPartition> out = new java.util.HashSet<>();
        for (TopicDescription d : admin.describeTopics(names).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(p -> out.add(new TopicPartition(d.name(), p.partition())));
        }
        return out;
    }

    private Map<TopicPartition, Long> offsets(Set<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, Long> out = new HashMap<>();
        infos(partitions, spec).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    private Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> infos(Set<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        // The last stable offset: a transaction still open (the topology writes under exactly-once) is not lag yet.
        return admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    private Metric metric(Instant now, String cycle, String instance, String name, double value, Map<String, String> extra) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("environment", environment);
        tags.putAll(extra);
        return Metric.newBuilder().setTimestamp(now).setDatabaseType(DATABASE_TYPE).setInstanceId(instance)
                .setMetricName(name).setValue(value).setTags(tags)
                .setMetadata(new MetricMetadata(0L, "streams-alerting self-monitor", cycle)).build();
    }
}
