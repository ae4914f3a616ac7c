package com.gds.alerting.collectors;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import com.gds.alerting.collectors.agent.CollectorAgent;

/**
 * {@code java -jar collectors.jar --config collectors.yaml [--check]}. Exit 2 on a bad command
 * line or configuration (the message names the option, or the field and line), 1 if the agent
 * cannot start, 0 after a clean stop. {@code --check} validates the file and exits.
 */
@Command(name = "collectors", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "The GDS collector agent: collects the targets of collectors.yaml and publishes their metrics"
                + " to Kafka. Durations in the file: 500ms, 30s, 1h30m, 2d, ISO-8601 PT10S.",
        subcommands = DeadLettersCommand.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly, or --check found the file valid", "1:the agent could not start",
                "2:wrong command line or invalid configuration"})
public final class Main implements Callable<Integer> {

    // Required, but checked in call(): picocli would report a missing --config before an unknown
    // option, and "--confg x" should be told it is mistyped, not that --config is missing.
    @Option(names = "--config", paramLabel = "FILE",
            description = "The agent's configuration (required; see docs/collectors.md, \"collectors.yaml\").")
    Path config;

    @Option(names = "--check", description = "Validate the configuration and exit (0 = valid).")
    boolean check;

    private final CountDownLatch stop;
    private final PrintWriter out;
    private final PrintWriter err;

    private Main(CountDownLatch stop, PrintWriter out, PrintWriter err) {
        this.stop = stop;
        this.out = out;
        this.err = err;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (config == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
        }
        return AgentRunner.run(config, check, stop, out, err);
    }

    /**
     * Parses {@code args} and runs the agent until {@code stop} is released; returns the exit code.
     * Usage errors name the option and print the usage to {@code err}; {@code --help} prints it to
     * {@code out}.
     */
    static int run(CountDownLatch stop, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main(stop, out, err));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("collectors: " + e);
            return 1;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        // Before the first logger: the agent's own logging configuration, unless one is given.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "gds-collectors-logback.xml");
        }
        int code = run(new CountDownLatch(1), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        // After a clean stop the JVM is already shutting down (the hook released the latch):
        // System.exit from here would wait for that hook forever.
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"collectors " + CollectorAgent.version()};
        }
    }
}
