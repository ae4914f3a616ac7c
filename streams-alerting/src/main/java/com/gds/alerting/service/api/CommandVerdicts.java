package com.gds.alerting.service.api;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.service.streams.AlertingSettings;
import com.gds.alerting.service.streams.KafkaClientProperties;

/**
 * The topology's verdicts on the commands this instance writes, so that an ack or resolve can
 * answer what became of it (applied, or rejected and why) instead of "accepted".
 *
 * <p>Every instance reads every partition of {@code gds.alerts.command-results} from its end
 * (no consumer group: whichever instance's topology processed a command, the verdict is on that
 * topic), {@code read_committed} so that a verdict of an aborted transaction is never reported.
 * A request registers its command id <em>before</em> the command is written, then waits a bounded
 * time; verdicts nobody waits for are skipped without decoding. At most {@code
 * gds.alerting.command-verdict-max-waiting} requests wait at once; beyond that, and when the
 * consumer is not positioned yet, a request does not wait (the caller answers 202). Counted in
 * {@code gds_alerting_command_verdicts_total{answer}}.
 */
@Context
@Singleton
public class CommandVerdicts implements AutoCloseable {

    /** What a write request got to know. */
    public enum Answer { APPLIED, REJECTED, TIMED_OUT, NOT_AWAITED }

    private static final Logger LOG = LoggerFactory.getLogger(CommandVerdicts.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PARTITION_REFRESH = Duration.ofMinutes(1);

    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final Deserializer<CommandResult> deserializer;
    private final int maxWaiting;
    private final Clock clock;
    private final Map<String, CompletableFuture<CommandResult>> waiting = new ConcurrentHashMap<>();
    /** Requests holding a place among the {@code maxWaiting}; exact, unlike the map's size under races. */
    private final AtomicInteger slots = new AtomicInteger();
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<Answer, Counter> answers = new HashMap<>();
    private final Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running = true;
    private boolean warnedMissing;

    @Inject
    public CommandVerdicts(KafkaClientProperties clients, AlertingSettings settings, MeterRegistry registry) {
        this(clients, settings, registry, Clock.systemUTC());
    }

    CommandVerdicts(KafkaClientProperties clients, AlertingSettings settings, MeterRegistry registry, Clock clock) {
        Map<String, Object> config = new HashMap<>(clients.kafka());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "gds-alerting-verdicts-" + UUID.randomUUID());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumerConfig = config;
        this.topic = clients.topics().commandResults();
        this.deserializer = AvroSerdes.valueSerde(CommandResult.class, clients.serde()).deserializer();
        this.maxWaiting = settings.getCommandVerdictMaxWaiting();
        this.clock = clock;
        for (Answer answer : Answer.values()) {
            answers.put(answer, Counter.builder("gds_alerting_command_verdicts_total")
                    .description("ack/resolve requests by what they learnt of the topology's verdict")
                    .tag("answer", answer.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        Gauge.builder("gds_alerting_command_verdicts_waiting", waiting, Map::size)
                .description("requests waiting for a verdict").register(registry);
        this.thread = new Thread(this::run, "gds-command-verdicts");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Registers {@code commandId} for its verdict; call before writing the command.
     *
     * @return the verdict to come, or null when this request cannot wait (too many waiting, or
     *         the consumer is not reading yet)
     */
    public CompletableFuture<CommandResult> expect(String commandId, Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            return null;
        }
        try {
            if (!positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the verdicts on {} are not being read yet; command {} is answered without its verdict", topic, commandId);
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (slots.incrementAndGet() > maxWaiting) {
            slots.decrementAndGet();
            LOG.warn("{} requests already wait for a verdict (gds.alerting.command-verdict-max-waiting); command {} is"
                    + " answered without its verdict", maxWaiting, commandId);
            return null;
        }
        CompletableFuture<CommandResult> verdict = new CompletableFuture<>();
        waiting.put(commandId, verdict);
        return verdict;
    }

    /**
     * Waits up to {@code timeout} for {@code verdict} and forgets {@code commandId} either way.
     *
     * @return the verdict, or null when it did not come in time (or {@code verdict} is null)
     */
    public CommandResult await(String commandId, CompletableFuture<CommandResult> verdict, Duration timeout) {
        try {
            if (verdict == null) {
                return null;
            }
            return verdict.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (TimeoutException | ExecutionException e) {
            return null;
        } finally {
            forget(commandId);
        }
    }

    /** Stops waiting for {@code commandId} (e.g. when writing the command failed). */
    public void forget(String commandId) {
        CompletableFuture<CommandResult> verdict = waiting.remove(commandId);
        if (verdict != null) {
            slots.decrementAndGet();
            verdict.cancel(false);
        }
    }

    /** Counts what a request learnt. */
    public void count(Answer answer) {
        answers.get(answer).increment();
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            Set<TopicPartition> assigned = new HashSet<>();
            long nextRefresh = 0;
            while (running) {
                try {
                    if (clock.millis() >= nextRefresh) {
                        assignNew(c, assigned);
                        nextRefresh = assigned.isEmpty() ? 0 : clock.millis() + PARTITION_REFRESH.toMillis();
                    }
                    if (assigned.isEmpty()) {
                        pause();
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
                        deliver(record);
                    }
                } catch (WakeupException e) {
                    break;
                } catch (RuntimeException e) {
                    LOG.warn("reading verdicts from {} failed; retrying (meanwhile acks and resolves answer 202)", topic, e);
                    nextRefresh = 0;
                    pause();
                }
            }
        } catch (RuntimeException e) {
            LOG.error("the verdict reader of {} stopped: acks and resolves answer 202 from now on", topic, e);
        }
    }

    /** Assigns partitions not yet assigned: at start from the end, later (a partition added to the topic) from the start. */
    private void assignNew(KafkaConsumer<byte[], byte[]> c, Set<TopicPartition> assigned) {
        List<PartitionInfo> partitions = c.partitionsFor(topic, Duration.ofSeconds(10));
        if (partitions == null || partitions.isEmpty()) {
            if (!warnedMissing) {
                LOG.warn("topic {} has no partitions (does it exist?); acks and resolves answer 202 until it does", topic);
                warnedMissing = true;
            }
            return;
        }
        Set<TopicPartition> added = new HashSet<>();
        for (PartitionInfo p : partitions) {
            TopicPartition tp = new TopicPartition(p.topic(), p.partition());
            if (!assigned.contains(tp)) {
                added.add(tp);
            }
        }
        if (added.isEmpty()) {
            return;
        }
        boolean first = assigned.isEmpty();
        assigned.addAll(added);
        c.assign(assigned);
        if (first) {
            c.seekToEnd(added);
        } else {
            c.seekToBeginning(added);
        }
        // Resolve the positions now: a verdict written after this point is read, one written
        // before is not awaited by anyone (commands are registered only once this has happened).
        added.forEach(tp -> c.position(tp, Duration.ofSeconds(10)));
        positioned.countDown();
    }

    private void deliver(ConsumerRecord<byte[], byte[]> record) {
        if (waiting.isEmpty() || record.value() == null) {
            return;
        }
        CommandResult result;
        try {
            result = deserializer.deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            LOG.warn("unreadable verdict at {}-{}@{} skipped: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return;
        }
        CompletableFuture<CommandResult> verdict = waiting.remove(result.getCommandId());
        if (verdict != null) {
            slots.decrementAndGet();
            verdict.complete(result);
        }
    }

    /** Waits a poll interval before trying again, or less when closing. */
    private void pause() {
        try {
            stopped.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops the reader; requests still waiting get no verdict (202). */
    @PreDestroy
    @Override
    public void close() {
        running = false;
        stopped.countDown();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
