package com.gds.alerting.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;

/**
 * The in-process broker as a process of its own, so a harness can measure its CPU and memory apart from the
 * service's and its own (the side-by-side benchmark). Started by the harness with the harness's classpath:
 * {@code java -cp ... BrokerProcess <data dir> <bootstrap file>}; writes {@code localhost:<port>} to the bootstrap
 * file once the broker accepts connections, and stops when its standard input closes (the harness ended, or
 * closed it on purpose), so it never outlives the harness.
 */
public final class BrokerProcess {

    private BrokerProcess() {
    }

    public static void main(String[] argv) throws IOException {
        if (argv.length != 2) {
            System.err.println("usage: BrokerProcess <data dir> <bootstrap file>");
            System.exit(BenchArgs.USAGE_ERROR);
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(Path.of(argv[0])).build().start()) {
            Path file = Path.of(argv[1]);
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.writeString(partial, broker.bootstrapServers(), StandardCharsets.UTF_8);
            // Renamed into place: the harness never reads a half-written address.
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            while (System.in.read() >= 0) {
                // Nothing is sent on stdin; end of input is the signal to stop.
            }
        }
    }
}
