package com.gds.alerting.collectors.spool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import com.gds.alerting.avro.Metric;

/**
 * Lists and replays the records an agent set aside in {@code <spool_dir>/dead-letter/} because
 * their topic could not be used (a topic that did not exist, or that the agent may not write).
 *
 * <p>Replay sends each record, in file order, to its own topic or to a corrected one
 * ({@code --to}, e.g. after an environment typo), checks first that the destination exists, and
 * records how far it got in {@code <file>.replayed} (the byte offset after the last record the
 * broker acknowledged, written atomically after each batch). A second replay starts there, so it
 * sends nothing twice; a replay interrupted between an acknowledgement and that write sends the
 * records of that batch again (at-least-once, the collectors' usual guarantee). The file itself
 * is never changed: the agent may still be appending to it, and a record it is writing (a frame
 * cut short at the end) is left for the next replay.
 */
public final class DeadLetterReplay {

    /** Records read, sent and acknowledged at a time. */
    static final int BATCH = 5_000;
    private static final String SUFFIX = ".dlq";
    private static final String PROGRESS_SUFFIX = ".replayed";

    /**
     * One dead-letter file.
     *
     * @param file           the {@code .dlq} file
     * @param topics         the topics its records were meant for
     * @param records        intact records in it
     * @param replayed       of those, records already replayed
     * @param first          the earliest metric time among the records not yet replayed (null when none)
     * @param last           the latest metric time among them (null when none)
     * @param instances      the instances whose records are not yet replayed
     * @param incompleteTail bytes at the end not yet forming a record (being written, or cut off by a crash)
     * @param corruption     why the file cannot be read past some point, or null
     * @param reason         the last reason the agent logged for setting this topic aside, or null
     */
    public record Summary(Path file, Set<String> topics, long records, long replayed, Instant first, Instant last,
                          Set<String> instances, long incompleteTail, String corruption, String reason) {

        public long pending() {
            return records - replayed;
        }
    }

    /**
     * What a replay did.
     *
     * @param sent           records acknowledged by the broker in this replay
     * @param pending        intact records still not replayed after it
     * @param destinations   the topics written (or that would be, for a dry run)
     * @param failure        why it stopped early (destination unusable, a send refused), or null
     * @param incompleteTail bytes left at the end that do not form a record yet
     * @param corruption     why the file cannot be read past some point, or null
     */
    public record Result(long sent, long pending, Set<String> destinations, String failure, long incompleteTail,
                         String corruption) {

        /** True when everything readable was replayed and nothing is damaged. */
        public boolean complete() {
            return failure == null && corruption == null && pending == 0;
        }
    }

    private final Path directory;
    private final DeadLetterReader reader = new DeadLetterReader();
    private final Clock clock;

    /** @param spoolDir the agent's {@code spool_dir} */
    public DeadLetterReplay(Path spoolDir, Clock clock) {
        this.directory = spoolDir.resolve("dead-letter");
        this.clock = clock;
    }

    public Path directory() {
        return directory;
    }

    /** The {@code .dlq} files, by name; none when nothing was ever set aside. */
    public List<Path> files() throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    /** The {@code .dlq} file holding {@code topic}'s records (named as {@link DeadLetterFile} names it). */
    public Path fileOf(String topic) {
        return directory.resolve(DeadLetterFile.fileName(topic) + SUFFIX);
    }

    public Summary summarize(Path file) throws IOException {
        long done = progress(file);
        Set<String> topics = new TreeSet<>();
        Set<String> instances = new TreeSet<>();
        long records = 0;
        long replayed = 0;
        Instant first = null;
        Instant last = null;
        long offset = 0;
        DeadLetterReader.Contents c;
        do {
            c = reader.read(file, offset, BATCH);
            for (DeadLetterReader.Letter l : c.letters()) {
                records++;
                topics.add(l.record().topic());
                if (l.endOffset() <= done) {
                    replayed++;
                    continue;
                }
                Metric m = l.record().value();
                Instant t = m.getTimestamp();
                first = first == null || t.isBefore(first) ? t : first;
                last = last == null || t.isAfter(last) ? t : last;
                instances.add(l.record().key());
            }
            offset = c.endOffset();
        } while (!c.letters().isEmpty() && c.corruption() == null && c.incompleteTail() == 0);
        return new Summary(file, topics, records, replayed, first, last, instances, c.incompleteTail(), c.corruption(),
                lastReason(topics));
    }

    /**
     * Replays what {@code file} holds past its recorded progress.
     *
     * @param to      the topic to send every record to instead of its own, if present
     * @param setTags tags to set on every record (e.g. {@code environment} when redirecting after a typo)
     * @param dryRun  read and check the destinations, send nothing, record nothing
     */
    public Result replay(Path file, Optional<String> to, Map<String, String> setTags, boolean dryRun,
                         Producer<String, Metric> producer, TopicProbe probe) throws IOException {
        long offset = progress(file);
        long size = Files.size(file);
        if (offset > size) {
            return new Result(0, 0, Set.of(), file + " is shorter (" + size + " bytes) than its recorded progress ("
                    + offset + " bytes): it was replaced. Delete " + progressFile(file) + " to replay it from the start", 0, null);
        }
        Set<String> checked = new LinkedHashSet<>();
        long sent = 0;
        DeadLetterReader.Contents c;
        do {
            c = reader.read(file, offset, BATCH);
            List<DeadLetterReader.Letter> letters = c.letters();
            for (DeadLetterReader.Letter l : letters) {
                String destination = to.orElse(l.record().topic());
                if (checked.add(destination)) {
                    TopicProbe.Verdict v = probe.check(destination);
                    if (v.kind() != TopicProbe.Verdict.Kind.WRITABLE) {
                        return new Result(sent, pendingFrom(file, offset), checked, "cannot replay to " + destination + ": "
                                + v.reason(), c.incompleteTail(), c.corruption());
                    }
                }
            }
            if (dryRun) {
                sent += letters.size();
            } else if (!letters.isEmpty()) {
                SendOutcome outcome = send(letters, to, setTags, producer);
                int acknowledged = outcome.acknowledged();
                sent += acknowledged;
                if (acknowledged > 0) {
                    offset = letters.get(acknowledged - 1).endOffset();
                    saveProgress(file, offset);
                }
                if (acknowledged < letters.size()) {
                    return new Result(sent, pendingFrom(file, offset), checked, outcome.error(), c.incompleteTail(),
                            c.corruption());
                }
            }
            if (dryRun) {
                offset = c.endOffset();
            }
        } while (!c.letters().isEmpty() && c.corruption() == null && c.incompleteTail() == 0);
        long pending = dryRun ? sent : pendingFrom(file, offset);
        return new Result(dryRun ? 0 : sent, pending, checked, null, c.incompleteTail(), c.corruption());
    }

    /** How many records of a batch, from its first, the broker acknowledged, and the first refusal. */
    private record SendOutcome(int acknowledged, String error) {
    }

    /** Sends a batch and waits for every answer. */
    private static SendOutcome send(List<DeadLetterReader.Letter> letters, Optional<String> to, Map<String, String> setTags,
                     Producer<String, Metric> producer) {
        BitSet acked = new BitSet(letters.size());
        AtomicReference<String> error = new AtomicReference<>();
        for (int i = 0; i < letters.size(); i++) {
            SpoolRecord r = letters.get(i).record();
            Metric m = r.value();
            if (!setTags.isEmpty()) {
                Map<String, String> tags = new HashMap<>(m.getTags());
                tags.putAll(setTags);
                m = Metric.newBuilder(m).setTags(tags).build();
            }
            int index = i;
            String destination = to.orElse(r.topic());
            try {
                producer.send(new ProducerRecord<>(destination, r.key(), m), (meta, e) -> {
                    if (e == null) {
                        synchronized (acked) {
                            acked.set(index);
                        }
                    } else {
                        error.compareAndSet(null, "the broker refused a record for " + destination + ": " + e);
                    }
                });
            } catch (RuntimeException e) {
                error.compareAndSet(null, "a record for " + destination + " could not be sent: " + e);
                break;
            }
        }
        producer.flush();
        synchronized (acked) {
            int prefix = Math.min(acked.nextClearBit(0), letters.size());
            return new SendOutcome(prefix, prefix < letters.size() && error.get() == null
                    ? "a record for " + to.orElse(letters.get(prefix).record().topic()) + " was not acknowledged"
                    : error.get());
        }
    }

    private long pendingFrom(Path file, long offset) throws IOException {
        long n = 0;
        DeadLetterReader.Contents c;
        do {
            c = reader.read(file, offset, BATCH);
            n += c.letters().size();
            offset = c.endOffset();
        } while (!c.letters().isEmpty() && c.corruption() == null && c.incompleteTail() == 0);
        return n;
    }

    static Path progressFile(Path file) {
        return file.resolveSibling(file.getFileName() + PROGRESS_SUFFIX);
    }

    /** The byte offset up to which {@code file} was replayed; 0 when it never was. */
    long progress(Path file) throws IOException {
        Path p = progressFile(file);
        if (!Files.exists(p)) {
            return 0;
        }
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        String offset = props.getProperty("offset");
        try {
            return Long.parseLong(offset);
        } catch (NumberFormatException e) {
            throw new IOException(p + " is damaged (offset=" + offset + "): delete it to replay " + file
                    + " from the start, or fix the offset");
        }
    }

    /** Written to a temporary file, forced, then moved over the old one: never half written. */
    private void saveProgress(Path file, long offset) {
        Path p = progressFile(file);
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        String text = "# " + file.getFileName() + ": records before this byte offset were replayed (gds collectors"
                + " dead-letters replay)\noffset=" + offset + "\nat=" + clock.instant() + "\n";
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the replay's progress in " + p, e);
        }
    }

    /** The last line of {@code reasons.log} about one of {@code topics}, without its time stamp. */
    private String lastReason(Set<String> topics) throws IOException {
        Path log = directory.resolve("reasons.log");
        if (!Files.exists(log) || topics.isEmpty()) {
            return null;
        }
        String found = null;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            for (String t : topics) {
                if (line.contains(" " + t + ":") || line.contains(" " + t + " ")) {
                    found = line;
                }
            }
        }
        return found;
    }
}
