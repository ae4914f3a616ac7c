package com.gds.alerting.rulescli.dlq;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import org.apache.kafka.common.header.Header;

import com.gds.alerting.contract.DeadLetterHeaders;
import com.gds.alerting.rulescli.kafka.TopicScan;
import com.gds.alerting.rulescli.DurationConverter;
import com.gds.alerting.config.Durations;
import com.gds.alerting.config.InvalidDurationException;

/**
 * {@code gds-rules dlq list|show|replay}: read the dead-letter topics and send what was refused back
 * to where it came from once the cause is fixed.
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = {"List, inspect and replay dead letters (gds.dlq.metrics, gds.dlq.rules, gds.dlq.commands,"
                + " gds.dlq.notifications). Every writer uses the same headers: gds.dlq.reason (a code), gds.dlq.error"
                + " (a sentence), gds.dlq.processor, gds.dlq.source.topic/partition/offset.",
                "Exit 0 on success, 1 when a replay refused some of the selected dead letters, 2 wrong usage,"
                        + " 3 on a Kafka or registry failure."},
        subcommands = {DlqCommand.ListLetters.class, DlqCommand.Show.class, DlqCommand.Replay.class})
public final class DlqCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: list, show or replay");
    }

    /** Where to read. */
    static final class Connection {
        @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
        String bootstrap;

        @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The dead-letter topic, e.g. gds.dlq.metrics.")
        String topic;

        @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION",
                description = "How long to wait for Kafka (default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
        Duration timeout;
    }

    /** Which dead letters. */
    static final class Selection {
        @Option(names = "--since", paramLabel = "TIME",
                description = "Only dead letters written at or after TIME: an ISO-8601 instant (2026-12-07T10:00:00Z) or a"
                        + " duration back from now (2h).")
        String since;

        @Option(names = "--until", paramLabel = "TIME", description = "Only dead letters written before TIME (as --since).")
        String until;

        @Option(names = "--reason", paramLabel = "CODE", split = ",",
                description = "Only these reason codes (gds.dlq.reason), e.g. MALFORMED_BODY,RETRIES_EXHAUSTED.")
        List<String> reasons = new ArrayList<>();

        @Option(names = "--key", paramLabel = "KEY", description = "Only dead letters with exactly this key.")
        String key;

        @Option(names = "--processor", paramLabel = "NAME",
                description = "Only dead letters refused by this writer (gds.dlq.processor).")
        String processor;

        DeadLetterFilter filter(CommandSpec spec) {
            Instant now = Instant.now();
            return new DeadLetterFilter(time(spec, "--since", since, now), time(spec, "--until", until, now),
                    Set.copyOf(reasons), key, processor);
        }

        private static Instant time(CommandSpec spec, String option, String value, Instant now) {
            if (value == null) {
                return null;
            }
            try {
                return now.minus(Durations.parse(value));
            } catch (InvalidDurationException notADuration) {
                // an instant, then
            }
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " '" + value
                        + "' is neither an ISO-8601 instant (2026-12-07T10:00:00Z) nor a duration (2h, 30m)");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "One line per dead letter (coordinates, time, reason, key, who refused it, where from,"
                    + " whether it was replayed) and its error sentence.")
    static final class ListLetters implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Connection connection;
        @Mixin
        Selection selection;

        @Option(names = "--ledger-topic", defaultValue = ReplayLedger.DEFAULT_TOPIC,
                description = "Replay ledger topic (default: ${DEFAULT-VALUE}).")
        String ledgerTopic;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            DeadLetterFilter filter = selection.filter(spec);
            Set<String> replayed = ReplayLedger.read(connection.bootstrap, ledgerTopic, connection.timeout);
            int[] counts = new int[2];
            TopicScan.scanExisting(connection.bootstrap, connection.topic, connection.timeout, r -> {
                counts[0]++;
                DeadLetterRecord letter = new DeadLetterRecord(r);
                if (!filter.matches(letter)) {
                    return;
                }
                counts[1]++;
                String id = letter.sourceCoordinates().orElse(letter.coordinates());
                out.println(letter.coordinates() + "  " + letter.timestamp() + "  " + letter.reason() + "  key " + letter.key()
                        + "  by " + letter.processor() + letter.sourceCoordinates().map(s -> "  from " + s).orElse("")
                        + (replayed.contains(id) ? "  [replayed]" : "") + letter.truncated().map(t -> "  [truncated]").orElse(""));
                if (!letter.error().isEmpty()) {
                    out.println("    " + letter.error().replace("\n", "\n    "));
                }
            });
            out.println(counts[1] + " dead letter(s) selected of " + counts[0] + " on " + connection.topic + ".");
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One dead letter in full: every header, and the value decoded (Avro with its writer schema"
                    + " from the registry, else text or hex).")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Connection connection;

        @Option(names = "--partition", defaultValue = "0", description = "Partition (default: ${DEFAULT-VALUE}).")
        int partition;

        @Option(names = "--offset", required = true, description = "Offset of the dead letter.")
        long offset;

        @Option(names = "--registry", defaultValue = "http://localhost:8081", paramLabel = "URL",
                description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
        String registry;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<DeadLetterRecord> found = new ArrayList<>();
            TopicScan.scanExisting(connection.bootstrap, connection.topic, connection.timeout, r -> {
                if (r.partition() == partition && r.offset() == offset) {
                    found.add(new DeadLetterRecord(r));
                }
            });
            if (found.isEmpty()) {
                out.println("No record at " + DeadLetterHeaders.coordinates(connection.topic, partition, offset)
                        + " (past the end, deleted by retention, or a transaction marker).");
                return 1;
            }
            DeadLetterRecord letter = found.get(0);
            out.println("dead letter " + letter.coordinates() + " written " + letter.timestamp());
            out.println("key: " + letter.key());
            out.println("headers:");
            List<Header> headers = new ArrayList<>(List.of(letter.headers().toArray()));
            headers.sort(Comparator.comparing((Header h) -> !DeadLetterHeaders.isContractHeader(h.key())));
            for (Header h : headers) {
                out.println("  " + h.key() + " = " + (h.value() == null ? "null"
                        : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8).replace("\n", "\n    ")));
            }
            try (ValueDecoder decoder = new ValueDecoder(registry)) {
                out.println("value: " + decoder.describe(letter.record().value()));
            }
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Send the selected dead letters back to the topic they were refused from (or --to), each"
                    + " refused record once: a ledger topic written in the same transaction remembers what was replayed,"
                    + " so replaying twice sends nothing twice. The original key, value, timestamp and headers are sent,"
                    + " plus gds.replay.of and gds.replay.from; notifications keep their message_id. A record refused"
                    + " again is dead-lettered again with its new reason.",
                    "Never replayed: a truncated dead letter (gds.dlq.truncated), one without source headers unless"
                            + " --to is given, one whose destination topic does not exist."})
    static final class Replay implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        Connection connection;
        @Mixin
        Selection selection;

        @Option(names = "--to", paramLabel = "TOPIC",
                description = "Send to this topic instead of each dead letter's gds.dlq.source.topic.")
        String to;

        @Option(names = "--dry-run", description = "Print what would be replayed; send nothing.")
        boolean dryRun;

        @Option(names = "--ledger-topic", defaultValue = ReplayLedger.DEFAULT_TOPIC,
                description = "Replay ledger topic, created (compacted) if missing (default: ${DEFAULT-VALUE}).")
        String ledgerTopic;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Replayer.Outcome outcome = new Replayer(connection.bootstrap, ledgerTopic, connection.timeout, out)
                    .replay(connection.topic, selection.filter(spec), to, dryRun);
            out.println((dryRun ? "Dry run: would replay " : "Replayed ") + outcome.replayed() + " of " + outcome.matched()
                    + " selected dead letter(s); " + outcome.alreadyReplayed() + " already replayed, " + outcome.duplicates()
                    + " duplicate(s) of a record replayed once, " + outcome.refused() + " refused.");
            return outcome.refused() > 0 ? 1 : 0;
        }
    }
}
