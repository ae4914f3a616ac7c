package com.gds.alerting.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import com.gds.alerting.config.Durations;
import com.gds.alerting.config.InvalidDurationException;

/**
 * {@code bin/local-stack}: its flags, and running the stack until Ctrl-C.
 *
 * <p>Exit codes: 0 stopped cleanly (or {@code --help}), 1 the stack did not start, 2 wrong usage
 * (an unknown flag, a bad value, invalid rule files or collectors.yaml).
 */
@Command(name = "local-stack", sortOptions = false, usageHelpAutoWidth = false,
        description = {"Runs the whole product in one JVM: an in-process Kafka broker, the schema registry, every topic,"
                + " a synthetic fleet, the alerting service with the rule packs, and the warehouse importer.",
                "Exit codes: 0 stopped cleanly, 1 did not start, 2 wrong usage or invalid rule/collector files."})
final class LocalStackCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStackCommand.class);
    /** Exit code when the stack did not start. */
    static final int EXIT_NOT_STARTED = 1;

    @Option(names = "--data-dir", defaultValue = "data/local-stack", paramLabel = "DIR",
            description = "Broker data, streams state and warehouse, kept across runs (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "9092", paramLabel = "N", converter = PortConverter.class,
            description = "Kafka port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8081", paramLabel = "N", converter = PortConverter.class,
            description = "Schema registry port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int registryPort;

    @Option(names = "--http-port", defaultValue = "8080", paramLabel = "N", converter = PortConverter.class,
            description = "Alerting service REST API and web console port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int httpPort;

    @Option(names = "--importer-port", defaultValue = "8083", paramLabel = "N", converter = PortConverter.class,
            description = "Warehouse importer /health and /metrics port (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int importerPort;

    @Option(names = "--instances-per-type", defaultValue = "24", paramLabel = "N", converter = FleetSizeConverter.class,
            description = "Synthetic instances per database type, 1..10000 (default: ${DEFAULT-VALUE}).")
    int instancesPerType;

    @Option(names = "--interval", defaultValue = "5s", paramLabel = "DURATION", converter = PositiveDuration.class,
            description = "Synthetic collection interval, e.g. 5s, 500ms, 1h30m, PT10S (default: ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--incident-probability", defaultValue = "0.001", paramLabel = "P", converter = ProbabilityConverter.class,
            description = "Chance per instance per cycle that an incident starts, 0..1 (default: ${DEFAULT-VALUE}).")
    double incidentProbability;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the synthetic fleet (default: random).")
    Long seed;

    @Option(names = "--rules", defaultValue = "rules/packs", paramLabel = "PATH", split = ",",
            description = "Rule files, or directories of *.yaml rule files, published on gds.rules at start;"
                    + " repeat or separate with commas (default: ${DEFAULT-VALUE}).")
    List<Path> rules;

    @Option(names = "--snapshot-interval", defaultValue = "1m", paramLabel = "DURATION", converter = DurationOrZero.class,
            description = "How often the warehouse is copied to warehouse-snapshot.duckdb, which any DuckDB >= 1.0 can"
                    + " open read-only while the stack runs; 0 = never (default: ${DEFAULT-VALUE}).")
    Duration snapshotInterval;

    @Option(names = "--collectors-config", paramLabel = "FILE",
            description = "Also run the real collector agent from this collectors.yaml (its Kafka and registry settings"
                    + " are replaced by the stack's).")
    Path collectorsConfig;

    @Option(names = "--open", description = "HTTP ports on every interface (default: localhost only; authentication is off).")
    boolean open;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /** The settings these flags describe. */
    LocalStackConfig config() {
        return new LocalStackConfig(dataDir, kafkaPort, registryPort, instancesPerType, interval, incidentProbability,
                seed == null ? System.nanoTime() : seed, httpPort, importerPort, rules, snapshotInterval, open,
                collectorsConfig);
    }

    /** Starts the stack, prints the banner once it answers, and waits for Ctrl-C. */
    @Override
    public Integer call() throws InterruptedException {
        LocalStackConfig config = config();
        long t0 = System.nanoTime();
        LocalStack stack;
        try {
            stack = LocalStack.start(config);
        } catch (LocalStack.InvalidInputException e) {
            System.err.println("local-stack: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        } catch (RuntimeException e) {
            LOG.error("the local stack did not start: {}", e.getMessage(), e);
            return EXIT_NOT_STARTED;
        }
        System.out.println(stack.banner(Duration.ofNanos(System.nanoTime() - t0)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping the local stack");
            stack.close();
            stopped.countDown();
        }, "local-stack-shutdown"));
        stopped.await();
        return CommandLine.ExitCode.OK;
    }

    /** The command line, as {@code main} runs it. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new LocalStackCommand());
        // One line saying what is wrong beats the whole usage text scrolling it away.
        cli.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("local-stack: " + e.getMessage() + " (--help lists the options)");
            CommandLine.UnmatchedArgumentException.printSuggestions(e, e.getCommandLine().getErr());
            return CommandLine.ExitCode.USAGE;
        });
        return cli;
    }

    /** The usage text {@code --help} prints (also committed as {@code local-stack/usage.txt}). */
    static String usage() {
        return commandLine().getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** A TCP port, 0 meaning any free one. */
    static final class PortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long port = whole(value);
            if (port < 0 || port > 65535) {
                throw new TypeConversionException("must be a port 0..65535, got " + value);
            }
            return (int) port;
        }
    }

    /** Instances per database type. */
    static final class FleetSizeConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long n = whole(value);
            if (n < 1 || n > 10_000) {
                throw new TypeConversionException("must be 1..10000, got " + value);
            }
            return (int) n;
        }
    }

    /** A probability. */
    static final class ProbabilityConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            double p;
            try {
                p = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("must be a number in [0, 1], got '" + value + "'");
            }
            if (!(p >= 0 && p <= 1)) {
                throw new TypeConversionException("must be in [0, 1], got " + value);
            }
            return p;
        }
    }

    /** A duration greater than zero, in the project's one grammar. */
    static final class PositiveDuration implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parsePositive(value);
            } catch (InvalidDurationException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A duration, zero allowed (meaning "off"). */
    static final class DurationOrZero implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (InvalidDurationException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    private static long whole(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("must be a whole number, got '" + value + "'");
        }
    }
}
