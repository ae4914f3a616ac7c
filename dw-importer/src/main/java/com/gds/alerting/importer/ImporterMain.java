package com.gds.alerting.importer;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import com.gds.alerting.importer.ops.ImporterMetrics;

/**
 * {@code java -jar dw-importer.jar [--config importer.properties]}: runs the importer until
 * SIGTERM / Ctrl-C. System properties starting with {@code kafka.}, {@code warehouse.},
 * {@code importer.}, {@code gds.topics.} or {@code schema.registry.} override the file.
 * Exit status 2 for a wrong command line or a configuration error, 1 when the importer stopped
 * on an error.
 */
@Command(name = "dw-importer", mixinStandardHelpOptions = true, versionProvider = ImporterMain.Version.class,
        description = "Loads gds.metrics.* and gds.alerts.events into the warehouse (DuckDB, PostgreSQL or Snowflake).",
        footerHeading = "%nSettings (in the file, or as -Dkey=value before -jar):%n")
public final class ImporterMain implements Callable<Integer> {

    static {
        // Before the first logger exists: the jar's own logging unless the user chose a file.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "gds-dw-importer-logback.xml");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ImporterMain.class);

    /** Every setting, from the same list the parser checks keys against, then the exit codes. */
    private static final String FOOTER = """
              kafka.*                           Kafka client settings (kafka.bootstrap.servers, ...)
              schema.registry.url, basic.auth.* schema registry
              gds.topics.*                      topic names
            """ + ImporterConfig.USAGE + """

            Durations: 500ms, 30s, 1h30m, 2d, 1w or ISO-8601 such as PT10S.

            Exit codes:
              0   stopped on request
              1   stopped on an error
              2   wrong command line or invalid configuration""";

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "A properties file (see dw-importer/importer.example.properties); without one, system properties only.")
    Path config;

    private final Map<String, String> overrides;
    private final Function<ImporterConfig, Integer> runner;
    private final PrintWriter err;

    private ImporterMain(Map<String, String> overrides, Function<ImporterConfig, Integer> runner, PrintWriter err) {
        this.overrides = overrides;
        this.runner = runner;
        this.err = err;
    }

    @Override
    public Integer call() {
        ImporterConfig settings;
        try {
            settings = ImporterConfig.load(config, overrides, System::getenv);
        } catch (ImporterConfigException e) {
            err.println("dw-importer: " + e.getMessage());
            return 2;
        }
        return runner.apply(settings);
    }

    /**
     * Parses {@code args}, loads the configuration and hands it to {@code runner}, whose answer is
     * the exit code; returns 2 without calling it on a wrong command line or configuration.
     */
    static int run(Map<String, String> overrides, Function<ImporterConfig, Integer> runner, PrintWriter out,
                   PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new ImporterMain(overrides, runner, err));
        cli.setOut(out);
        cli.setErr(err);
        // Wide enough for the settings table, whose lines picocli would otherwise break at 80.
        cli.getCommandSpec().usageMessage().width(120).footer(FOOTER.replace("%", "%%"));
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    public static void main(String[] args) {
        int code = run(overrides(), ImporterMain::runUntilStopped, new PrintWriter(System.out, true),
                new PrintWriter(System.err, true), args);
        // After a stop on request the JVM is already shutting down (the hook released the wait):
        // System.exit from here would wait for that hook forever.
        if (code != 0) {
            System.exit(code);
        }
    }

    private static int runUntilStopped(ImporterConfig config) {
        WarehouseImporter importer = WarehouseImporter.builder(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping the importer");
            importer.close();
            stopped.countDown();
        }, "dw-importer-shutdown"));
        try {
            importer.awaitTermination();
            if (importer.metrics().state() == ImporterMetrics.State.FAILED) {
                return 1;
            }
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static Map<String, String> overrides() {
        Map<String, String> out = new HashMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("kafka.") || k.startsWith("warehouse.") || k.startsWith("importer.")
                        || k.startsWith("gds.topics.") || k.startsWith("schema.registry."))
                .forEach(k -> out.put(k, System.getProperty(k)));
        return out;
    }

    /** The version from the jar manifest ("dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ImporterMain.class.getPackage().getImplementationVersion();
            return new String[] {"dw-importer " + (v == null ? "dev" : v)};
        }
    }
}
