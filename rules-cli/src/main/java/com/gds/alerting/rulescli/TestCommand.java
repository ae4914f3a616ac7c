package com.gds.alerting.rulescli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import com.gds.alerting.rulescli.testing.RuleTestRunner;

/** {@code gds-rules test TESTFILE…}: rule unit tests on the real topology. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run rule unit tests (like promtool test rules; promtool's layout is read as is): input series in"
                + " the compact notation ('0+10x5', '_' = missing), the firing alerts expected at evaluation times"
                + " (exp_alerts), and the timelines, incidents and notifications expected over each test, run through the"
                + " real alerting topology on TopologyTestDriver. Prints expected vs actual and a diff for each failure.",
                "Exit 0 when every test passes, 1 otherwise."})
final class TestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "TESTFILE", description = "Rule test files (YAML).")
    List<Path> files;

    @Option(names = "--timeline", description = "Print each alert's timeline (pending and firing stretches), incidents and"
            + " notifications after each test.")
    boolean timeline;

    @Option(names = "--output", defaultValue = "text", paramLabel = "FORMAT",
            description = "text (default) or json: one JSON document with every test's result, failures and alerts"
                    + " (timeline, incidents, notifications).")
    OutputFormat output;

    @Override
    public Integer call() {
        return new RuleTestRunner(spec.commandLine().getOut(), timeline, output == OutputFormat.json).run(files) ? 0 : 1;
    }
}
