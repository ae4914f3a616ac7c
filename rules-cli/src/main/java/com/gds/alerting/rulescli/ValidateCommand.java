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
import com.gds.alerting.rulescli.rules.SettingsChecker;
import com.gds.alerting.rulescli.rules.SettingsFileParser;

/** {@code gds-rules validate FILE…}: every problem of every file, with file:line:column. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check rule files together: YAML shape, each rule as the topology validates it, and ids unique"
                + " across files. Prints every problem as FILE:LINE:COLUMN: error: ... ",
                "Settings files (a top-level 'layer: platform' or 'layer: tenant') are checked per layer: as the topology"
                        + " validates them, no tenant change to a rule a platform file marks fixed, and with --as the writer's"
                        + " bounds (a tenant: only its own settings; an expert: only packs).",
                "Exit 0 when valid, 1 on any error (or on a warning with --strict)."})
final class ValidateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Rule files (YAML).")
    List<Path> files;

    @Option(names = "--strict", description = "Treat warnings as errors.")
    boolean strict;

    @Option(names = "--as", paramLabel = "WRITER",
            description = "Check the files as this writer would publish them: platform, expert or tenant:<tenant_id>.")
    String as;

    @Override
    public Integer call() {
        SettingsChecker.Writer writer;
        try {
            writer = SettingsChecker.Writer.parse(as);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--as: " + e.getMessage());
        }
        List<Path> packs = files.stream().filter(f -> !SettingsFileParser.isSettingsFile(f)).toList();
        List<Path> settings = files.stream().filter(SettingsFileParser::isSettingsFile).toList();
        RuleChecker.Result result = RuleChecker.check(packs);
        SettingsChecker.check(settings, packs, result.rules(), writer, result.diagnostics());
        return Reports.diagnostics(spec.commandLine().getOut(), result, strict)
                ? 0 : 1;
    }
}
