package com.gds.alerting.importer;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar dw-importer.jar [--config importer.properties]}: runs the importer until
 * SIGTERM / Ctrl-C. System properties starting with {@code kafka.}, {@code warehouse.},
 * {@code importer.}, {@code gds.topics.} or {@code schema.registry.} override the file.
 * Exit status 2 for a configuration error, 1 when the importer stopped on an error.
 */
public final class ImporterMain {

    static {
        // Before the first logger exists: the jar's own logging unless the user chose a file.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "gds-dw-importer-logback.xml");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ImporterMain.class);

    private ImporterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--config") || args[i].equals("-c")) && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.println("Usage: dw-importer [--config FILE]\n\nSettings (file or -Dkey=value):\n"
                        + "  kafka.*                            Kafka client settings (kafka.bootstrap.servers, ...)\n"
                        + "  schema.registry.url, basic.auth.*  schema registry\n"
                        + "  gds.topics.*                       topic names\n" + ImporterConfig.USAGE);
                return;
            } else {
                System.err.println("dw-importer: unknown argument " + args[i] + " (see --help)");
                System.exit(2);
            }
        }
        ImporterConfig config;
        try {
            config = ImporterConfig.load(file, overrides(), System::getenv);
        } catch (ImporterConfigException e) {
            System.err.println("dw-importer: " + e.getMessage());
            System.exit(2);
            return;
        }
        WarehouseImporter importer = WarehouseImporter.builder(config).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping the importer");
            importer.close();
            stopped.countDown();
        }, "dw-importer-shutdown"));
        importer.awaitTermination();
        if (importer.metrics().state() == com.gds.alerting.importer.ops.ImporterMetrics.State.FAILED) {
            System.exit(1);
        }
        stopped.await();
    }

    private static Map<String, String> overrides() {
        Map<String, String> out = new HashMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("kafka.") || k.startsWith("warehouse.") || k.startsWith("importer.")
                        || k.startsWith("gds.topics.") || k.startsWith("schema.registry."))
                .forEach(k -> out.put(k, System.getProperty(k)));
        return out;
    }
}
