package com.gds.alerting.rulescli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import com.gds.alerting.rulescli.testing.RuleTestRunner;

/** {@code gds-rules test TESTFILE…}: rule unit tests on the real topology. */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run rule unit tests (like promtool test rules): input series in the compact notation"
                + " ('0+10x5', '_' = missing), expected open alerts at evaluation times, run through the real alerting"
                + " topology on TopologyTestDriver. Prints expected vs actual and a diff for each failing evaluation.",
                "Exit 0 when every test passes, 1 otherwise."})
final class TestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "TESTFILE", description = "Rule test files (YAML).")
    List<Path> files;

    @Override
    public Integer call() {
        return new RuleTestRunner(spec.commandLine().getOut()).run(files) ? 0 : 1;
    }
}
