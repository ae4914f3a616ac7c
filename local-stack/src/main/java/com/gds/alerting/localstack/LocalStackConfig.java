package com.gds.alerting.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import picocli.CommandLine;

/**
 * Settings of the local stack, from command-line flags ({@link LocalStackCommand}). Defaults need
 * nothing configured.
 *
 * @param dataDir             where the broker, the streams' state and the warehouse live (reused across runs)
 * @param kafkaPort           broker port; 0 = a free one
 * @param registryPort        schema-registry HTTP port; 0 = a free one
 * @param instancesPerType    synthetic instances of each database type
 * @param interval            synthetic collection interval
 * @param incidentProbability chance per instance per cycle that a synthetic incident starts
 * @param seed                seed of the synthetic fleet
 * @param httpPort            port of the alerting service's REST API (0 = any free port)
 * @param importerPort        port of the importer's /health and /metrics (0 = any free port)
 * @param rules               rule files, or directories of {@code *.yaml} rule files, published at start
 * @param snapshotInterval    how often the warehouse is copied to the read-only snapshot; zero = never
 * @param open                HTTP ports on every interface instead of loopback only
 * @param collectorsConfig    a {@code collectors.yaml} whose real collector agent runs too, or null
 */
public record LocalStackConfig(Path dataDir, int kafkaPort, int registryPort, int instancesPerType, Duration interval,
                               double incidentProbability, long seed, int httpPort, int importerPort, List<Path> rules,
                               Duration snapshotInterval, boolean open, Path collectorsConfig) {

    public LocalStackConfig {
        rules = List.copyOf(rules);
    }

    /** The defaults. */
    public static LocalStackConfig defaults() {
        return parse();
    }

    /**
     * Parses flags over the defaults, as {@code bin/local-stack} does.
     *
     * @throws CommandLine.ParameterException naming the flag, for an unknown flag or a bad value
     */
    public static LocalStackConfig parse(String... args) {
        LocalStackCommand command = new LocalStackCommand();
        new CommandLine(command).parseArgs(args);
        return command.config();
    }

    /** The same settings on other ports (tests: 0 = free ones). */
    public LocalStackConfig withPorts(int kafka, int registry, int http, int importer) {
        return new LocalStackConfig(dataDir, kafka, registry, instancesPerType, interval, incidentProbability, seed, http,
                importer, rules, snapshotInterval, open, collectorsConfig);
    }
}
