package com.gds.alerting.rulescli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.config.Durations;
import com.gds.alerting.rulescli.backtest.Backtest;
import com.gds.alerting.rulescli.backtest.BacktestReport;
import com.gds.alerting.rulescli.backtest.MetricFile;
import com.gds.alerting.rulescli.backtest.MetricTopics;
import com.gds.alerting.rulescli.backtest.Replay;
import com.gds.alerting.rulescli.publish.TopicRules;
import com.gds.alerting.rulescli.rules.RuleChecker;
import com.gds.alerting.rulescli.testing.HistoryJson;

/** {@code gds-rules backtest}: what candidate rules would have done on recorded metrics, next to the current ones. */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Replay recorded metrics through candidate rules (and the current ones, from files or from the"
                + " rules topic) on the real alerting topology, and report per rule and series (instance, metric): incidents"
                + " with start and end, time firing and notifications that would have been sent (firing, severity change,"
                + " resolve, reminders, escalations), and the difference per series between candidate and current rules."
                + " Threshold, window, SLO and absence rules alike. An incident still open at the end of the data is"
                + " reported open and counted as firing up to its series' last sample (absence: up to the end).",
                "Metrics: from a file with --metrics, or from the metrics topics (gds.metrics.*) with --bootstrap and"
                        + " usually --from/--to.",
                "Metrics file: JSON lines (.jsonl: {\"timestamp\":\"2026-03-02T10:00:00Z\",\"database_type\":\"postgresql\","
                        + "\"instance_id\":\"pg-1\",\"metric_name\":\"up\",\"value\":1,\"tags\":{\"environment\":\"prod\"}})"
                        + " or CSV (.csv with a header timestamp,database_type,instance_id,metric_name,value[,tag...]).",
                "Current rules: --current FILE..., else (with --bootstrap) the rules topic, unless --no-current.",
                "Exit 0 when the replay ran, 1 when rule files are invalid, 2 on wrong usage, 3 on a read or Kafka failure."})
final class BacktestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--metrics", paramLabel = "FILE", description = "Recorded metrics (.jsonl or .csv); without it, the"
            + " metrics topics are read (needs --bootstrap).")
    Path metrics;

    @Option(names = "--rules", required = true, arity = "1..*", paramLabel = "FILE", description = "Candidate rule files.")
    List<Path> candidate;

    @Option(names = "--current", arity = "1..*", paramLabel = "FILE",
            description = "Rule files in force now, to compare with (default with --bootstrap: the rules on --topic).")
    List<Path> current;

    @Option(names = "--no-current", description = "Report the candidate rules only.")
    boolean noCurrent;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka: read the metrics topics (unless --metrics) and the current rules (unless --current).")
    String bootstrap;

    @Option(names = "--registry", defaultValue = "http://localhost:8081", description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
    String registry;

    @Option(names = "--topic", defaultValue = "gds.rules", description = "Rules topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--metrics-prefix", defaultValue = "gds.metrics", paramLabel = "PREFIX",
            description = "Metrics topics read: every topic named PREFIX.* (default: ${DEFAULT-VALUE}).")
    String metricsPrefix;

    @Option(names = "--max-delay", defaultValue = "5m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Topics: keep reading a partition until records sent this long after --to, for samples measured"
                    + " before --to but sent late (a collector's spool after an outage) (default: ${DEFAULT-VALUE}).")
    Duration maxDelay;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long to wait for Kafka (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--from", paramLabel = "INSTANT", description = "Replay samples measured at or after this instant (ISO-8601).")
    Instant from;

    @Option(names = "--to", paramLabel = "INSTANT", description = "Replay samples measured before this instant; firing time is"
            + " counted up to it (default: the last sample).")
    Instant to;

    @Option(names = "--output", defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json: one JSON document with every series' incidents (start, end), time"
                    + " firing, notifications (with message_id) and the difference per series.")
    OutputFormat output;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean json = output == OutputFormat.json;
        // In JSON mode stdout carries the document only; progress lines go to stderr.
        PrintWriter info = json ? spec.commandLine().getErr() : out;
        Map<String, Object> header = new LinkedHashMap<>();
        if (metrics == null && bootstrap == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "say where the metrics are: --metrics FILE, or --bootstrap HOST:PORT to read the " + metricsPrefix + ".* topics");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--from " + from + " is not before --to " + to);
        }
        RuleChecker.Result cand = RuleChecker.check(candidate);
        if (cand.diagnostics().hasErrors()) {
            Reports.diagnostics(out, cand, false);
            return 1;
        }
        Map<String, Object> serde = Map.of("schema.registry.url", registry);
        List<Rule> currentRules = null;
        if (current != null) {
            RuleChecker.Result cur = RuleChecker.check(current);
            if (cur.diagnostics().hasErrors()) {
                Reports.diagnostics(out, cur, false);
                return 1;
            }
            currentRules = cur.records();
        } else if (bootstrap != null && !noCurrent) {
            currentRules = new ArrayList<>(TopicRules.read(bootstrap, topic, serde, timeout, spec.commandLine().getErr()).values());
            info.println("Current rules: " + currentRules.size() + " on " + topic);
            header.put("current_rules_topic", topic);
        }
        List<Metric> samples;
        if (metrics != null) {
            samples = MetricFile.read(metrics).stream()
                    .filter(m -> from == null || !m.getTimestamp().isBefore(from))
                    .filter(m -> to == null || m.getTimestamp().isBefore(to)).toList();
        } else {
            Pattern pattern = Pattern.compile(Pattern.quote(metricsPrefix + ".") + ".+");
            MetricTopics.Read read = MetricTopics.read(bootstrap, pattern, serde, from, to, maxDelay, timeout,
                    spec.commandLine().getErr());
            header.put("records_read", read.records());
            header.put("undecodable_skipped", read.undecodable());
            info.println("Read " + read.records() + " records from " + read.partitions() + " partitions of " + read.topics().size()
                    + " topics (" + String.join(", ", read.topics()) + ")"
                    + (read.undecodable() == 0 ? "" : ", " + read.undecodable() + " undecodable skipped"));
            samples = read.samples();
        }
        Instant end = to != null ? to : samples.stream().map(Metric::getTimestamp).max(Instant::compareTo).orElse(Instant.EPOCH);
        info.println("Replayed " + samples.size() + " samples" + (samples.isEmpty() ? "" : " up to " + end));
        header.put("samples", samples.size());
        header.put("end", end.toString());
        Replay candReplay = Backtest.replay(cand.records(), samples, end);
        Replay curReplay = currentRules == null ? null : Backtest.replay(currentRules, samples, end);
        BacktestReport report = new BacktestReport(candReplay, curReplay);
        if (json) {
            out.println(HistoryJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report.json(header)));
        } else {
            report.text(out);
        }
        return 0;
    }
}
