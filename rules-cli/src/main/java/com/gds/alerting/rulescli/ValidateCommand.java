package com.gds.alerting.rulescli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import com.gds.alerting.rulescli.rules.RuleChecker;

/** {@code gds-rules validate FILE…}: every problem of every file, with file:line:column. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check rule files together: YAML shape, each rule as the topology validates it, and ids unique"
                + " across files. Prints every problem as FILE:LINE:COLUMN: error: ... ",
                "Exit 0 when valid, 1 on any error (or on a warning with --strict)."})
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Rule files (YAML).")
    List<Path> files;

    @Option(names = "--strict", description = "Treat warnings as errors.")
    boolean strict;

    @Override
    public Integer call() {
        RuleChecker.Result result = RuleChecker.check(files);
        return Reports.diagnostics(spec.commandLine().getOut(), result, strict)
                ? 0 : 1;
    }
}
