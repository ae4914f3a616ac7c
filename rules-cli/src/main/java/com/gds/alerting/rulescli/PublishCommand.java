package com.gds.alerting.rulescli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.rulescli.publish.RuleDiff;
import com.gds.alerting.rulescli.publish.RulePublisher;
import com.gds.alerting.rulescli.publish.TopicRules;
import com.gds.alerting.rulescli.rules.RuleChecker;

/** {@code gds-rules publish FILE… --bootstrap …}: make the topic hold exactly the rules of the files. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Validate the files, read the rules currently on the compacted rules topic (to its end), print"
                + " the diff (added, changed with the changed fields, removed) and publish only the changes; rules on the"
                + " topic that no file defines are deleted (tombstoned) unless --no-delete. Publishing the same files twice"
                + " changes nothing. Nothing is published when any file is invalid.",
                "Exit 0 when published (or nothing to do), 1 when a file is invalid, 3 on a Kafka or registry failure."})
final class PublishCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Rule files (YAML): together, the whole rule set.")
    List<Path> files;

    @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(names = "--registry", defaultValue = "http://localhost:8081", paramLabel = "URL",
            description = "Schema registry URL (default: ${DEFAULT-VALUE}).")
    String registry;

    @Option(names = "--topic", defaultValue = "gds.rules", description = "Rules topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--dry-run", description = "Print the diff, publish nothing.")
    boolean dryRun;

    @Option(names = "--no-delete", description = "Do not tombstone rules that the files do not define.")
    boolean noDelete;

    @Option(names = "--shadow", description = {"Publish the files' rules as shadows of the rules they would replace: rule"
            + " 'X' goes out as 'X.shadow' with shadow: true and shadow_of: X (a rule already marked shadow goes as written)."
            + " Only shadow rules are compared and removed: the live rules on the topic stay as they are."})
    boolean shadow;

    @Option(names = "--drop-shadows", description = "Also delete the shadow rules of the rules these files define"
            + " (after promoting a candidate: its shadow has served).")
    boolean dropShadows;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION",
            description = "How long to wait for Kafka (default: ${DEFAULT-VALUE}).", converter = DurationConverter.class)
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RuleChecker.Result checked = RuleChecker.check(files);
        if (checked.diagnostics().hasErrors()) {
            Reports.diagnostics(out, checked, false);
            out.println("Nothing published: fix the errors above first.");
            return 1;
        }
        Map<String, Object> serde = Map.of("schema.registry.url", registry);
        Map<String, Rule> onTopic = TopicRules.read(bootstrap, topic, serde, timeout, spec.commandLine().getErr());
        ShadowScope scope = shadow ? ShadowScope.shadows(onTopic, checked.records())
                : ShadowScope.live(onTopic, checked.records(), dropShadows);
        scope.warnings().forEach(w -> out.println("warning: " + w));
        Map<String, Rule> current = scope.current();
        RuleDiff diff = RuleDiff.between(current, scope.desired());
        if (noDelete) {
            diff = new RuleDiff(diff.added(), diff.changed(), List.of(), diff.unchanged());
        }
        DiffPrinter.print(out, diff, topic);
        if (diff.isEmpty()) {
            out.println("Nothing to publish: " + topic + " already holds these " + diff.unchanged() + " rules.");
            return 0;
        }
        if (dryRun) {
            out.println("Dry run: nothing published.");
            return 0;
        }
        RulePublisher.publish(bootstrap, topic, serde, diff, timeout);
        out.println("Published to " + topic + ": " + diff.added().size() + " added, " + diff.changed().size() + " changed, "
                + diff.removed().size() + " removed; " + diff.unchanged() + " unchanged.");
        return 0;
    }
}
