package com.gds.alerting.rulescli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import com.gds.alerting.rulescli.dlq.DlqCommand;
import com.gds.alerting.rulescli.importer.ImportCommand;

/**
 * {@code gds-rules}: the rules-as-code loop. Edit YAML in Git, {@code test} it in CI, {@code
 * publish} it to {@code gds.rules}; {@code validate} and {@code backtest} along the way.
 *
 * <p>Exit codes: 0 success, 1 invalid rules / failed tests / a diff when one was not expected,
 * 2 wrong usage, 3 an I/O or Kafka failure.
 */
@Command(name = "gds-rules", mixinStandardHelpOptions = true, version = "gds-rules 0.1.0",
        description = "Validate, test, backtest and publish GDS Alerting rules written in YAML.",
        subcommands = {ValidateCommand.class, TestCommand.class, PublishCommand.class, BacktestCommand.class, DlqCommand.class,
                ImportCommand.class, com.gds.alerting.rulescli.tenant.TenantCommand.class,
                CommandLine.HelpCommand.class})
public final class GdsRules implements Runnable {

    /** Exit code of an environment failure (file unreadable, broker unreachable). */
    public static final int EXIT_FAILURE = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: validate, test, publish, backtest, dlq, import or tenant");
    }

    /** Runs the CLI with {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new GdsRules());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            StringBuilder message = new StringBuilder("gds-rules: ").append(e.getMessage());
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                message.append("\n  caused by: ").append(cause);
            }
            line.getErr().println(message);
            return EXIT_FAILURE;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }
}
