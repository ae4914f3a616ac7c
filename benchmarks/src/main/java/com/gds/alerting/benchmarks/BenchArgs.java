package com.gds.alerting.benchmarks;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The harnesses' command lines, on picocli: {@code --name value} (or {@code --name=value}) for
 * the options a harness declares, {@code --help}, and a mistyped or unknown option refused with
 * exit code 2, so that a benchmark never runs on its defaults unnoticed. Values are read by name
 * with the harness's own default, as before.
 */
final class BenchArgs {

    /** Exit code of a wrong command line (as gds-rules and the agents). */
    static final int USAGE_ERROR = 2;

    private BenchArgs() {
    }

    /**
     * The options given, by name without {@code --}; exits after {@code --help} (0) or a wrong
     * command line (2, the message and the usage on stderr).
     *
     * @param harness the class name, for the usage line
     * @param options every option the harness reads, without {@code --}
     */
    static Map<String, String> parse(String harness, String[] argv, String... options) {
        Parsed parsed = parse(harness, argv, new PrintWriter(System.out, true), new PrintWriter(System.err, true), options);
        if (parsed.exitCode() >= 0) {
            System.exit(parsed.exitCode());
        }
        return parsed.args();
    }

    /** The options given, or the exit code to end with ({@code -1} = go on). */
    record Parsed(Map<String, String> args, int exitCode) {
    }

    static Parsed parse(String harness, String[] argv, PrintWriter out, PrintWriter err, String... options) {
        CommandSpec spec = CommandSpec.create().name("java -cp benchmarks/target/gds-benchmarks.jar "
                + BenchArgs.class.getPackageName() + "." + harness);
        spec.mixinStandardHelpOptions(true);
        spec.usageMessage().description("Options take the harness's default when left out (see docs/BENCHMARKS.md).");
        for (String option : options) {
            spec.addOption(OptionSpec.builder("--" + option).paramLabel("VALUE").type(String.class).build());
        }
        CommandLine cli = new CommandLine(spec);
        cli.setOut(out);
        cli.setErr(err);
        try {
            ParseResult result = cli.parseArgs(argv);
            if (cli.isUsageHelpRequested()) {
                cli.usage(out);
                return new Parsed(Map.of(), 0);
            }
            if (cli.isVersionHelpRequested()) {
                out.println(harness);
                return new Parsed(Map.of(), 0);
            }
            Map<String, String> args = new HashMap<>();
            for (OptionSpec given : result.matchedOptions()) {
                args.put(given.longestName().substring(2), given.getValue());
            }
            return new Parsed(args, -1);
        } catch (ParameterException e) {
            err.println(harness + ": " + e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
                cli.usage(err);
            }
            return new Parsed(Map.of(), USAGE_ERROR);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
