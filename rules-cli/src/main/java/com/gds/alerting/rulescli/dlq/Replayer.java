package com.gds.alerting.rulescli.dlq;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.gds.alerting.contract.DeadLetterHeaders;
import com.gds.alerting.rulescli.kafka.TopicScan;

/**
 * Re-sends dead letters to the topic they were refused from, exactly once per refused record.
 *
 * <p>Each re-sent record is the original key, value, timestamp and headers (the {@code gds.dlq.*}
 * headers removed) plus {@link DeadLetterHeaders#REPLAY_OF} and {@link DeadLetterHeaders#REPLAY_FROM}.
 * It is written in one Kafka transaction with its {@link ReplayLedger} entry, keyed by the refused
 * record's source coordinates: so a replay that stops half-way leaves no record sent without its
 * entry, a second replay skips what the first sent, and the two copies that the topology and the
 * importer each dead-letter of one bad metric are replayed once. The transactional id is fixed per
 * dead-letter topic, so a second replay of the same topic started concurrently fences the first,
 * and the ledger is read only after that fencing. A replayed record that is refused again is
 * dead-lettered again by its consumer, with the new reason and new source coordinates: it can be
 * replayed again once fixed, and is never lost.
 *
 * <p>Never replayed: a dead letter that does not carry the original whole ({@code gds.dlq.truncated}),
 * and one without source headers unless {@code --to} says where it goes.
 */
final class Replayer {

    /** Records per transaction. */
    private static final int BATCH = 500;

    /** What a replay did (or, in a dry run, would do). */
    record Outcome(int matched, int replayed, int alreadyReplayed, int duplicates, int refused) {
    }

    private final String bootstrap;
    private final String ledgerTopic;
    private final Map<String, Boolean> targetExists = new HashMap<>();
    private final Duration timeout;
    private final PrintWriter out;

    Replayer(String bootstrap, String ledgerTopic, Duration timeout, PrintWriter out) {
        this.bootstrap = bootstrap;
        this.ledgerTopic = ledgerTopic;
        this.timeout = timeout;
        this.out = out;
    }

    /**
     * Replays the dead letters of {@code dlqTopic} that {@code filter} selects.
     *
     * @param to     the destination topic, or null for each dead letter's {@code gds.dlq.source.topic}
     * @param dryRun print what would happen and send nothing
     */
    Outcome replay(String dlqTopic, DeadLetterFilter filter, String to, boolean dryRun) {
        KafkaProducer<byte[], byte[]> producer = dryRun ? null : transactionalProducer(dlqTopic);
        try {
            // After initTransactions: a concurrent replay is fenced and its open transaction aborted,
            // so the ledger read now holds everything it committed.
            Set<String> done = ReplayLedger.read(bootstrap, ledgerTopic, timeout);
            Run run = new Run(producer, done, filter, to);
            TopicScan.scanExisting(bootstrap, dlqTopic, timeout, r -> run.consider(new DeadLetterRecord(r)));
            run.commit();
            return new Outcome(run.matched, run.replayed, run.alreadyReplayed, run.duplicates, run.refused);
        } catch (KafkaException e) {
            if (producer != null) {
                try {
                    producer.abortTransaction();
                } catch (KafkaException ignored) {
                    // fenced or broken: the open transaction is aborted by the broker
                }
            }
            throw new IllegalStateException("replay stopped: " + e.getMessage()
                    + "; what was committed before is in the ledger, a new replay continues after it", e);
        } finally {
            if (producer != null) {
                producer.close(timeout);
            }
        }
    }

    private KafkaProducer<byte[], byte[]> transactionalProducer(String dlqTopic) {
        ReplayLedger.ensureExists(bootstrap, ledgerTopic, timeout);
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "gds-rules-dlq-replay." + dlqTopic);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "gds-rules-dlq-replay-" + UUID.randomUUID());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        return producer;
    }

    /** Asked of the brokers once per topic; a producer would create a missing topic instead (auto-creation). */
    private boolean exists(String topic) {
        return targetExists.computeIfAbsent(topic, t -> {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                return admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).contains(t);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("cannot list the topics of " + bootstrap + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
    }

    /** One pass over the dead-letter topic. */
    private final class Run {
        private final KafkaProducer<byte[], byte[]> producer;
        private final Set<String> done;
        private final Set<String> thisRun = new HashSet<>();
        private final DeadLetterFilter filter;
        private final String to;
        private int inTransaction;
        int matched;
        int replayed;
        int alreadyReplayed;
        int duplicates;
        int refused;

        Run(KafkaProducer<byte[], byte[]> producer, Set<String> done, DeadLetterFilter filter, String to) {
            this.producer = producer;
            this.done = done;
            this.filter = filter;
            this.to = to;
        }

        void consider(DeadLetterRecord letter) {
            if (!filter.matches(letter)) {
                return;
            }
            matched++;
            String source = letter.sourceCoordinates().orElse(null);
            String target = to != null ? to : letter.sourceTopic().orElse(null);
            String id = source != null ? source : letter.coordinates();
            if (target == null) {
                refused++;
                out.println("refused  " + letter.coordinates() + ": no " + DeadLetterHeaders.SOURCE_TOPIC
                        + " header, so its destination is unknown; name it with --to");
            } else if (!exists(target)) {
                refused++;
                out.println("refused  " + letter.coordinates() + ": its destination topic '" + target + "' does not exist");
            } else if (letter.truncated().isPresent()) {
                refused++;
                out.println("refused  " + letter.coordinates() + ": the dead letter does not carry the original whole ("
                        + letter.truncated().get() + "); a cut record is never replayed");
            } else if (done.contains(id)) {
                alreadyReplayed++;
                out.println("skipped  " + letter.coordinates() + ": " + id + " was already replayed (ledger " + ledgerTopic + ")");
            } else if (!thisRun.add(id)) {
                duplicates++;
                out.println("skipped  " + letter.coordinates() + ": another dead letter of " + id + " (refused by "
                        + letter.processor() + " too) is replayed once");
            } else {
                replayed++;
                out.println((producer == null ? "would replay " : "replayed ") + letter.coordinates() + " (" + letter.reason()
                        + ", key " + letter.key() + ") -> " + target);
                if (producer != null) {
                    send(letter, target, id);
                }
            }
        }

        private void send(DeadLetterRecord letter, String target, String id) {
            if (inTransaction == 0) {
                producer.beginTransaction();
            }
            RecordHeaders headers = new RecordHeaders();
            for (Header h : letter.headers()) {
                if (!DeadLetterHeaders.isContractHeader(h.key())) {
                    headers.add(h);
                }
            }
            DeadLetterHeaders.set(headers, DeadLetterHeaders.REPLAY_OF, id);
            DeadLetterHeaders.set(headers, DeadLetterHeaders.REPLAY_FROM, letter.coordinates());
            producer.send(new ProducerRecord<>(target, null, letter.record().timestamp(), letter.record().key(),
                    letter.record().value(), headers));
            String entry = "{\"dead_letter\":\"" + letter.coordinates() + "\",\"replayed_to\":\"" + target
                    + "\",\"replayed_at\":\"" + Instant.now() + "\"}";
            producer.send(new ProducerRecord<>(ledgerTopic, id.getBytes(StandardCharsets.UTF_8),
                    entry.getBytes(StandardCharsets.UTF_8)));
            if (++inTransaction >= BATCH) {
                commit();
            }
        }

        void commit() {
            if (producer != null && inTransaction > 0) {
                producer.commitTransaction();
                inTransaction = 0;
            }
        }
    }
}
