package com.gds.alerting.service.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.sse.Event;
import io.micronaut.json.JsonMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.serde.GdsAvroDeserializer;
import com.gds.alerting.service.streams.KafkaClientProperties;

/**
 * Serves {@code GET /api/v1/events/stream}: each open stream reads {@code gds.alerts.events}
 * (read_committed, so only transitions the topology committed) with its own consumer, without a
 * consumer group, from the position its client asks for. One thread polls every stream's consumer
 * and hands a client only what it asked for (reactive-streams demand); what it has not asked for yet
 * waits in a queue of at most {@code max-queued-events}, and a client that falls further behind is
 * cut off with the reason (it reconnects with its last id) rather than growing memory. Memory per
 * stream: one consumer's fetch buffer and that queue.
 */
@Singleton
public class EventStreams {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
    private static final int MAX_POLL_RECORDS = 100;

    private final EventStreamSettings settings;
    private final Map<String, Object> kafka;
    private final String topic;
    private final GdsAvroDeserializer<AlertEvent> deserializer = new GdsAvroDeserializer<>(AlertEvent.class);
    private final Clock clock;
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Counter opened;
    private final MeterRegistry registry;
    private final JsonMapper jsonMapper;
    private final Thread poller;
    private volatile boolean running = true;
    /** The shared consumer of caught-up streams, and how far it has read; poller thread only. */
    private KafkaConsumer<byte[], byte[]> live;
    private StreamPosition livePosition;

    public EventStreams(EventStreamSettings settings, KafkaClientProperties clients, MeterRegistry registry,
                        JsonMapper jsonMapper) {
        this.jsonMapper = jsonMapper;
        this.settings = settings;
        this.kafka = clients.kafka();
        this.topic = clients.topics().events();
        this.deserializer.configure(clients.serde(), false);
        this.clock = Clock.systemUTC();
        this.registry = registry;
        registry.gauge("gds_event_streams_open", open);
        this.opened = registry.counter("gds_event_streams_opened_total");
        this.poller = new Thread(this::pollForever, "gds-event-streams");
        this.poller.setDaemon(true);
        this.poller.start();
    }

    /** Where a new stream starts. */
    sealed interface Start permits FromPosition, FromTime, FromEnd {
    }

    /** After the last event a client saw. */
    record FromPosition(StreamPosition position) implements Start {
    }

    /** At the first transition written at or after {@code at}. */
    record FromTime(Instant at) implements Start {
    }

    /** Only what comes next. */
    record FromEnd() implements Start {
    }

    /** Thrown when {@code max-streams} are open. */
    static final class TooManyStreams extends RuntimeException {
        TooManyStreams(int max) {
            super(max + " event streams are open on this instance (gds.event-stream.max-streams); try another instance or later");
        }
    }

    /**
     * Opens a stream. The consumer is positioned before this returns, so a position the client
     * sends that retention has already deleted is reported on the stream as its first event.
     */
    Flux<Event<?>> open(EventFilter filter, Start start) {
        if (open.incrementAndGet() > settings.getMaxStreams()) {
            open.decrementAndGet();
            throw new TooManyStreams(settings.getMaxStreams());
        }
        KafkaConsumer<byte[], byte[]> consumer;
        List<Event<?>> first = new ArrayList<>();
        StreamPosition position;
        try {
            consumer = consumer();
            position = seek(consumer, start, first);
        } catch (RuntimeException e) {
            open.decrementAndGet();
            throw e;
        }
        opened.increment();
        return Flux.create(sink -> {
            Stream stream = new Stream(consumer, filter, position, sink, first);
            sink.onDispose(() -> stream.closed = true);
            sink.onRequest(n -> LockSupport.unpark(poller));
            streams.add(stream);
            LockSupport.unpark(poller);
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = new HashMap<>(kafka);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "gds-event-stream-" + UUID.randomUUID());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        // Small buffers: hundreds of streams each hold one consumer.
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1024 * 1024);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
        config.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 64 * 1024);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private StreamPosition seek(KafkaConsumer<byte[], byte[]> consumer, Start start, List<Event<?>> first) {
        Duration timeout = Duration.ofSeconds(10);
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("topic '" + topic + "' does not exist");
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, timeout);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        StreamPosition position = StreamPosition.empty();
        Map<TopicPartition, OffsetAndTimestamp> byTime = start instanceof FromTime t
                ? consumer.offsetsForTimes(partitions.stream().collect(HashMap::new, (m, p) -> m.put(p, t.at().toEpochMilli()),
                        HashMap::putAll), timeout)
                : Map.of();
        long deleted = 0;
        for (TopicPartition tp : partitions) {
            long offset;
            if (start instanceof FromPosition p) {
                Long asked = p.position().next(tp.partition());
                // A partition the id does not know was added after it: all of it is new to the client.
                offset = asked == null ? beginning.get(tp) : Math.min(asked, end.get(tp));
                if (offset < beginning.get(tp)) {
                    deleted += beginning.get(tp) - offset;
                    offset = beginning.get(tp);
                }
            } else if (start instanceof FromTime) {
                OffsetAndTimestamp found = byTime.get(tp);
                offset = found == null ? end.get(tp) : found.offset();
            } else {
                offset = end.get(tp);
            }
            consumer.seek(tp, offset);
            position.set(tp.partition(), offset);
        }
        if (deleted > 0) {
            first.add(Event.of((Object) Map.of("deleted_by_retention", deleted, "message", deleted
                            + " transition(s) after the last event you saw were deleted by the topic's retention; reload the"
                            + " alert list to resynchronise"))
                    .name("gap").id(position.format()));
        }
        return position;
    }

    /**
     * One open stream; touched by the poller thread only (except {@link #closed}). It reads with its
     * own consumer from where its client asked until it has caught up with the shared live consumer,
     * then closes that consumer and is fed by the live one.
     */
    private final class Stream {
        KafkaConsumer<byte[], byte[]> consumer;
        final EventFilter filter;
        final StreamPosition position;
        final FluxSink<Event<?>> sink;
        /** Transitions read for a client that has not asked for them yet; bounded by max-queued-events. */
        final ArrayDeque<Event<?>> queue = new ArrayDeque<>();
        volatile boolean closed;
        long lastSent;

        Stream(KafkaConsumer<byte[], byte[]> consumer, EventFilter filter, StreamPosition position, FluxSink<Event<?>> sink,
               List<Event<?>> first) {
            this.consumer = consumer;
            this.filter = filter;
            this.position = position;
            this.sink = sink;
            // A heartbeat at once: it tells the client the stream is positioned and from where.
            this.lastSent = clock.millis() - settings.getHeartbeat().toMillis();
            queue.addAll(first);
        }

        boolean catchingUp() {
            return consumer != null;
        }

        /** A record read by this stream's own consumer or the live one; ignored when this stream is already past it. */
        void offer(ConsumerRecord<byte[], byte[]> r, Decoded event) {
            Long next = position.next(r.partition());
            if (next != null && r.offset() < next) {
                return;
            }
            position.set(r.partition(), r.offset() + 1);
            if (event != null && filter.matches(event.event())) {
                queue.add(Event.of((Object) event.json()).name("transition").id(position.format()));
            }
        }

        /** Moves past what the consumer skipped without records (transaction markers), never backwards. */
        void advanceTo(StreamPosition reached) {
            reached.asMap().forEach((p, o) -> {
                Long next = position.next(p);
                if (next == null || next < o) {
                    position.set(p, o);
                }
            });
        }

        /** Reads with its own consumer while catching up; true when it read something. */
        boolean catchUp() {
            if (queue.size() >= settings.getMaxQueuedEvents()) {
                return false;
            }
            boolean read = false;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ZERO)) {
                offer(r, decode(r));
                read = true;
            }
            advanceTo(positionOf(consumer));
            return read;
        }

        /** Whether this stream has reached the live consumer on every partition. */
        boolean reached(StreamPosition live) {
            for (Map.Entry<Integer, Long> e : live.asMap().entrySet()) {
                Long next = position.next(e.getKey());
                if (next == null || next < e.getValue()) {
                    return false;
                }
            }
            return true;
        }

        /** Hands the client what it asked for; heartbeats when idle; cuts it off when too far behind. */
        boolean deliver(long now) {
            boolean did = false;
            while (!queue.isEmpty() && sink.requestedFromDownstream() > 0) {
                sink.next(queue.poll());
                did = true;
            }
            if (did) {
                lastSent = now;
            }
            if (queue.size() >= settings.getMaxQueuedEvents()) {
                cutOff();
                return true;
            }
            if (queue.isEmpty() && sink.requestedFromDownstream() > 0 && now - lastSent >= settings.getHeartbeat().toMillis()) {
                // Carries the position: a client whose filter skipped everything resumes past what it skipped.
                sink.next(Event.of((Object) Map.of("at", Instant.ofEpochMilli(now).toString())).name("heartbeat")
                        .id(position.format()));
                lastSent = now;
                did = true;
            }
            return did;
        }

        /** The client reads slower than transitions arrive: rather than hold more, end its stream and say why. */
        private void cutOff() {
            String reason = "cut off: " + queue.size() + " transitions waited for this client, which reads slower than they"
                    + " arrive (gds.event-stream.max-queued-events); reconnect with Last-Event-ID to continue after the last"
                    + " event received";
            LOG.warn("event stream cut off: {} transitions waited for a client that reads slower than they arrive", queue.size());
            registry.counter("gds_event_streams_cut_off_total", "reason", "slow_client").increment();
            queue.clear();
            sink.next(Event.of((Object) Map.of("message", reason)).name("cut-off"));
            sink.complete();
            closed = true;
        }
    }

    /** A transition decoded once, its JSON written once however many streams send it. */
    private final class Decoded {
        private final AlertEvent event;
        private String json;

        Decoded(AlertEvent event) {
            this.event = event;
        }

        AlertEvent event() {
            return event;
        }

        String json() {
            if (json == null) {
                try {
                    json = jsonMapper.writeValueAsString(StreamedEvent.of(event));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot write a transition as JSON", e);
                }
            }
            return json;
        }
    }

    private Decoded decode(ConsumerRecord<byte[], byte[]> r) {
        try {
            AlertEvent event = deserializer.deserialize(r.topic(), r.value());
            return event == null ? null : new Decoded(event);
        } catch (RuntimeException e) {
            registry.counter("gds_event_streams_unreadable_total").increment();
            LOG.warn("event stream skips {}-{}@{}: it does not decode as an AlertEvent ({})", r.topic(), r.partition(),
                    r.offset(), e.getMessage());
            return null;
        }
    }

    private static StreamPosition positionOf(KafkaConsumer<byte[], byte[]> consumer) {
        StreamPosition reached = StreamPosition.empty();
        for (TopicPartition tp : consumer.assignment()) {
            reached.set(tp.partition(), consumer.position(tp));
        }
        return reached;
    }

    /**
     * One turn of the stream thread: the live consumer once (each record decoded once, offered to
     * every caught-up stream), each catching-up stream's own consumer, then delivery.
     */
    private boolean turn(long now) {
        boolean busy = false;
        if (live == null && !streams.isEmpty()) {
            live = consumer();
            seek(live, new FromEnd(), new ArrayList<>());
        }
        if (live != null) {
            List<Stream> fed = streams.stream().filter(s -> !s.catchingUp() && !s.closed).toList();
            for (ConsumerRecord<byte[], byte[]> r : live.poll(Duration.ZERO)) {
                Decoded event = decode(r);
                fed.forEach(s -> s.offer(r, event));
                busy = true;
            }
            livePosition = positionOf(live);
            fed.forEach(s -> s.advanceTo(livePosition));
        }
        for (Stream stream : streams) {
            if (stream.closed) {
                close(stream);
                continue;
            }
            try {
                if (stream.catchingUp()) {
                    busy |= stream.catchUp();
                    if (livePosition != null && stream.reached(livePosition)) {
                        stream.consumer.close(Duration.ofSeconds(1));
                        stream.consumer = null;
                    }
                }
                busy |= stream.deliver(now);
            } catch (KafkaException | IllegalStateException e) {
                LOG.warn("event stream failed and is closed; its client reconnects with Last-Event-ID: {}", e.toString());
                registry.counter("gds_event_streams_cut_off_total", "reason", "kafka_error").increment();
                stream.sink.error(e);
                close(stream);
            }
        }
        return busy;
    }

    private void pollForever() {
        while (running) {
            boolean busy;
            try {
                busy = turn(clock.millis());
            } catch (RuntimeException e) {
                // The streams it fed would miss what a new one skips: end them; their clients resume exactly
                // with Last-Event-ID.
                LOG.warn("event streams: the shared consumer failed; the streams it fed are ended and resume with"
                        + " Last-Event-ID: {}", e.toString());
                registry.counter("gds_event_streams_cut_off_total", "reason", "kafka_error").increment();
                for (Stream stream : streams) {
                    if (!stream.catchingUp()) {
                        stream.sink.error(e);
                        close(stream);
                    }
                }
                if (live != null) {
                    live.close(Duration.ofSeconds(1));
                    live = null;
                    livePosition = null;
                }
                busy = false;
            }
            if (!busy) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(settings.getIdlePoll().toMillis()));
            }
        }
        streams.forEach(this::close);
        if (live != null) {
            live.close(Duration.ofSeconds(1));
        }
    }

    private void close(Stream stream) {
        if (streams.remove(stream)) {
            stream.closed = true;
            open.decrementAndGet();
            try {
                if (stream.consumer != null) {
                    stream.consumer.close(Duration.ofSeconds(1));
                }
            } catch (RuntimeException e) {
                LOG.debug("closing an event stream's consumer", e);
            }
        }
    }

    /** Open streams (for tests and the benchmark). */
    public int openStreams() {
        return open.get();
    }

    @PreDestroy
    void shutdown() throws InterruptedException {
        running = false;
        streams.forEach(s -> s.sink.complete());
        LockSupport.unpark(poller);
        poller.join(5_000);
        deserializer.close();
    }
}
