package com.gds.alerting.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Settings of the local stack, from command-line flags. Defaults need nothing configured.
 *
 * @param dataDir             where the broker keeps its data (reused across runs)
 * @param kafkaPort           broker port; 0 = a free one
 * @param registryPort        schema-registry HTTP port; 0 = a free one
 * @param instancesPerType    synthetic instances of each database type
 * @param interval            synthetic collection interval
 * @param incidentProbability chance per instance per cycle that a synthetic incident starts
 * @param seed                seed of the synthetic fleet
 * @param httpPort            port of the alerting service's REST API (0 = any free port)
 */
public record LocalStackConfig(Path dataDir, int kafkaPort, int registryPort, int instancesPerType, Duration interval,
                               double incidentProbability, long seed, int httpPort) {

    static final String USAGE = """
            Usage: local-stack [options]
              --data-dir DIR              broker data, kept across runs (default: data/local-stack)
              --kafka-port N              Kafka port (default: 9092; 0 = any free port)
              --registry-port N           schema registry port (default: 8081; 0 = any free port)
              --instances-per-type N      synthetic instances per database type (default: 24)
              --interval DURATION         synthetic collection interval, e.g. 5s, 500ms, PT10S (default: 5s)
              --incident-probability P    chance per instance per cycle of an incident (default: 0.001)
              --seed N                    seed of the synthetic fleet (default: random)
              --http-port N               alerting service REST API port (default: 8080; 0 = any free port)
              --collectors-config FILE    also run the real collector agent from this collectors.yaml
              --open                      HTTP ports on every interface (default: localhost only; auth is off)
                                          (its Kafka and registry settings are replaced by the stack's)
              --help                      this text
            """;

    /** The defaults. */
    public static LocalStackConfig defaults() {
        return new LocalStackConfig(Path.of("data", "local-stack"), 9092, 8081, 24, Duration.ofSeconds(5), 0.001,
                System.nanoTime(), 8080);
    }

    /** Parses flags over the defaults; a bad flag is an {@link IllegalArgumentException} naming it. */
    public static LocalStackConfig parse(List<String> args) {
        LocalStackConfig c = defaults();
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new HelpRequested();
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException(flag + " needs a value (see --help)");
            }
            String value = args.get(++i);
            c = switch (flag) {
                case "--data-dir" -> new LocalStackConfig(Path.of(value), c.kafkaPort, c.registryPort, c.instancesPerType,
                        c.interval, c.incidentProbability, c.seed, c.httpPort);
                case "--kafka-port" -> new LocalStackConfig(c.dataDir, port(flag, value), c.registryPort, c.instancesPerType,
                        c.interval, c.incidentProbability, c.seed, c.httpPort);
                case "--registry-port" -> new LocalStackConfig(c.dataDir, c.kafkaPort, port(flag, value), c.instancesPerType,
                        c.interval, c.incidentProbability, c.seed, c.httpPort);
                case "--instances-per-type" -> new LocalStackConfig(c.dataDir, c.kafkaPort, c.registryPort,
                        positiveInt(flag, value), c.interval, c.incidentProbability, c.seed, c.httpPort);
                case "--interval" -> new LocalStackConfig(c.dataDir, c.kafkaPort, c.registryPort, c.instancesPerType,
                        duration(flag, value), c.incidentProbability, c.seed, c.httpPort);
                case "--incident-probability" -> new LocalStackConfig(c.dataDir, c.kafkaPort, c.registryPort,
                        c.instancesPerType, c.interval, probability(flag, value), c.seed, c.httpPort);
                case "--seed" -> new LocalStackConfig(c.dataDir, c.kafkaPort, c.registryPort, c.instancesPerType,
                        c.interval, c.incidentProbability, number(flag, value), c.httpPort);
                case "--http-port" -> new LocalStackConfig(c.dataDir, c.kafkaPort, c.registryPort, c.instancesPerType,
                        c.interval, c.incidentProbability, c.seed, port(flag, value));
                default -> throw new IllegalArgumentException("unknown option " + flag + " (see --help)");
            };
        }
        return c;
    }

    private static int port(String flag, String value) {
        long port = number(flag, value);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + " must be a port 0..65535, got " + value);
        }
        return (int) port;
    }

    private static int positiveInt(String flag, String value) {
        long n = number(flag, value);
        if (n < 1 || n > 10_000) {
            throw new IllegalArgumentException(flag + " must be 1..10000, got " + value);
        }
        return (int) n;
    }

    private static double probability(String flag, String value) {
        try {
            double p = Double.parseDouble(value);
            if (p < 0 || p > 1) {
                throw new IllegalArgumentException(flag + " must be in [0, 1], got " + value);
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number in [0, 1], got '" + value + "'");
        }
    }

    private static long number(String flag, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number, got '" + value + "'");
        }
    }

    static Duration duration(String flag, String value) {
        Duration d;
        try {
            if (value.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            } else if (value.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            } else if (value.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            } else {
                d = Duration.parse(value);
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(flag + " must be a duration like 5s, 500ms, 1m or PT5S, got '" + value + "'");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(flag + " must be positive, got " + value);
        }
        return d;
    }

    /** Thrown by {@link #parse} for {@code --help}. */
    static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(USAGE, null, false, false);
        }
    }
}
