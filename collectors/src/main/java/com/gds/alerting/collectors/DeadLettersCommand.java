package com.gds.alerting.collectors;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.collectors.config.CollectorsConfig;
import com.gds.alerting.collectors.config.ConfigException;
import com.gds.alerting.collectors.config.ConfigLoader;
import com.gds.alerting.collectors.spool.AdminTopicProbe;
import com.gds.alerting.collectors.spool.DeadLetterReplay;

/**
 * {@code collectors dead-letters list|replay --config collectors.yaml}: what the agent set aside in
 * {@code <spool_dir>/dead-letter/} because a topic could not be used, and sending it on once the
 * topic exists (or to the topic it was meant for). Exit 0 when done, 1 when a replay stopped early
 * or a file is damaged, 2 for a wrong command line or configuration.
 */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "List or replay the records the agent set aside because their topic could not be used"
                + " (<spool_dir>/dead-letter/<topic>.dlq).",
        subcommands = {DeadLettersCommand.ListLetters.class, DeadLettersCommand.Replay.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:a replay stopped early, or a dead-letter file is damaged",
                "2:wrong command line or invalid configuration"})
final class DeadLettersCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: list or replay");
    }

    /** Options both subcommands share. */
    abstract static class Base implements Callable<Integer> {

        @Option(names = "--config", required = true, paramLabel = "FILE",
                description = "The agent's configuration: where its spool is, and how to reach Kafka.")
        Path config;

        @Option(names = "--topic", paramLabel = "TOPIC",
                description = "Only the records set aside for this topic (default: every dead-letter file).")
        String topic;

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        @Override
        public Integer call() throws IOException {
            CollectorsConfig loaded;
            try {
                loaded = new ConfigLoader().load(config);
            } catch (ConfigException e) {
                err().println("collectors: " + e.getMessage());
                return 2;
            }
            DeadLetterReplay letters = new DeadLetterReplay(loaded.agent().spoolDir(), Clock.systemUTC());
            List<Path> files = files(letters);
            if (files.isEmpty()) {
                out().println(topic == null ? "no dead letters in " + letters.directory()
                        : "no dead letters for " + topic + " in " + letters.directory());
                return 0;
            }
            return run(loaded, letters, files);
        }

        private List<Path> files(DeadLetterReplay letters) throws IOException {
            if (topic == null) {
                return letters.files();
            }
            Path file = letters.fileOf(topic);
            return java.nio.file.Files.exists(file) ? List.of(file) : List.of();
        }

        abstract int run(CollectorsConfig config, DeadLetterReplay letters, List<Path> files) throws IOException;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Each dead-letter file: its topic, records (replayed and pending), the pending records' time"
                    + " range and instances, and why the topic was set aside.")
    static final class ListLetters extends Base {

        @Override
        int run(CollectorsConfig config, DeadLetterReplay letters, List<Path> files) throws IOException {
            int code = 0;
            for (Path f : files) {
                DeadLetterReplay.Summary s = letters.summarize(f);
                out().println(String.join(", ", s.topics().isEmpty() ? List.of(f.getFileName().toString()) : s.topics())
                        + "  (" + f + ")");
                out().println("  records: " + s.records() + " (" + s.replayed() + " replayed, " + s.pending() + " pending)");
                if (s.pending() > 0) {
                    out().println("  pending: metric times " + s.first() + " .. " + s.last() + "; instances " + s.instances());
                }
                if (s.reason() != null) {
                    out().println("  agent log: " + s.reason());
                }
                if (s.incompleteTail() > 0) {
                    out().println("  " + s.incompleteTail() + " bytes at the end are not a whole record yet (being written,"
                            + " or cut off by a crash)");
                }
                if (s.corruption() != null) {
                    out().println("  DAMAGED: " + s.corruption());
                    code = 1;
                }
            }
            return code;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Send the pending records on, in the order they were set aside, to their own topic or to --to."
                    + " Progress is kept beside each file (<file>.replayed), so replaying again sends nothing twice.")
    static final class Replay extends Base {

        @Option(names = "--to", paramLabel = "TOPIC",
                description = "Send to this topic instead of the one each record was meant for (needs --topic);"
                        + " e.g. the right environment after a typo.")
        String to;

        @Option(names = "--set-tag", paramLabel = "KEY=VALUE",
                description = "Set a tag on every replayed record (repeatable), e.g. environment=prod with --to.")
        Map<String, String> setTags = new LinkedHashMap<>();

        @Option(names = "--dry-run", description = "Read the files and check the destinations exist; send nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws IOException {
            if (to != null && topic == null) {
                throw new ParameterException(spec.commandLine(), "--to needs --topic: it redirects one topic's dead letters");
            }
            return super.call();
        }

        @Override
        int run(CollectorsConfig config, DeadLetterReplay letters, List<Path> files) throws IOException {
            Map<String, Object> props = new java.util.HashMap<>(MetricPublisher.withSafeDefaults(config.producer()));
            // A command must end: give up on a record after two minutes rather than waiting forever as the agent does.
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "gds-collectors-dead-letters");
            if (to != null && !setTags.containsKey("environment")) {
                out().println("note: the records keep their tags; if --to corrects an environment, add"
                        + " --set-tag environment=<env> so rules on the environment match them");
            }
            int code = 0;
            try (Serde<Metric> serde = AvroSerdes.valueSerde(Metric.class, config.serde());
                 Producer<String, Metric> producer = new KafkaProducer<>(props, new StringSerializer(), serde.serializer());
                 AdminTopicProbe probe = new AdminTopicProbe(props, Duration.ofSeconds(10))) {
                for (Path f : files) {
                    DeadLetterReplay.Result r = letters.replay(f, Optional.ofNullable(to), setTags, dryRun, producer, probe);
                    String where = String.join(", ", r.destinations());
                    if (dryRun) {
                        out().println(f.getFileName() + ": would replay " + r.pending() + " records to " + where);
                    } else {
                        out().println(f.getFileName() + ": replayed " + r.sent() + " records to " + where + "; "
                                + r.pending() + " pending");
                    }
                    if (r.incompleteTail() > 0) {
                        out().println("  " + r.incompleteTail() + " bytes at the end are not a whole record yet: replay"
                                + " again later");
                    }
                    if (r.failure() != null) {
                        err().println("collectors: " + f.getFileName() + ": " + r.failure());
                        code = 1;
                    }
                    if (r.corruption() != null) {
                        err().println("collectors: " + f.getFileName() + " is DAMAGED: " + r.corruption());
                        code = 1;
                    }
                }
            }
            return code;
        }
    }
}
