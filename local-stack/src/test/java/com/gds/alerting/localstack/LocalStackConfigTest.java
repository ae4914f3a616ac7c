package com.gds.alerting.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import picocli.CommandLine;

class LocalStackConfigTest {

    @Test
    void defaultsNeedNothingConfigured() {
        LocalStackConfig c = LocalStackConfig.parse();
        assertEquals(Path.of("data", "local-stack"), c.dataDir());
        assertEquals(9092, c.kafkaPort());
        assertEquals(8081, c.registryPort());
        assertEquals(8080, c.httpPort());
        assertEquals(8083, c.importerPort());
        assertEquals(Duration.ofSeconds(5), c.interval());
        assertEquals(List.of(Path.of("rules", "packs")), c.rules());
        assertEquals(Duration.ofMinutes(1), c.snapshotInterval());
        assertFalse(c.open());
    }

    @Test
    void flagsOverrideDefaults() {
        LocalStackConfig c = LocalStackConfig.parse("--data-dir", "/var/gds", "--kafka-port", "19092",
                "--interval", "500ms", "--instances-per-type", "3", "--seed", "7", "--incident-probability", "0.5",
                "--importer-port=0", "--snapshot-interval", "0", "--open", "--collectors-config", "c.yaml");
        assertEquals(Path.of("/var/gds"), c.dataDir());
        assertEquals(19092, c.kafkaPort());
        assertEquals(Duration.ofMillis(500), c.interval());
        assertEquals(3, c.instancesPerType());
        assertEquals(7, c.seed());
        assertEquals(0.5, c.incidentProbability());
        assertEquals(0, c.importerPort());
        assertEquals(Duration.ZERO, c.snapshotInterval());
        assertTrue(c.open());
        assertEquals(Path.of("c.yaml"), c.collectorsConfig());
    }

    @Test
    void rulePathsGivenReplaceTheDefaultPacks() {
        assertEquals(List.of(Path.of("a.yaml"), Path.of("b"), Path.of("c.yaml")),
                LocalStackConfig.parse("--rules", "a.yaml,b", "--rules", "c.yaml").rules());
    }

    /** Issue 23: "1h" failed here; the local stack now reads durations with the project's one grammar. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "1h, PT1H",
        "1h30m, PT1H30M",
        "500ms, PT0.5S",
        "PT10S, PT10S",
        "2d, PT48H",
    })
    void durationsUseTheProjectsOneGrammar(String written, Duration expected) {
        assertEquals(expected, LocalStackConfig.parse("--interval", written).interval());
        assertEquals(expected, LocalStackConfig.parse("--snapshot-interval", written).snapshotInterval());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--kafka-port, 70000, must be a port",
        "--importer-port, -1, must be a port",
        "--kafka-port, abc, must be a whole number",
        "--interval, 0s, must be longer than zero",
        "--interval, soon, is not a duration",
        "--interval, 5, has no unit",
        "--snapshot-interval, -5s, is negative",
        "--incident-probability, 2, must be in [0, 1]",
        "--incident-probability, NaN, must be in [0, 1]",
        "--instances-per-type, 0, must be 1..10000",
    })
    void badValuesAreRefusedNamingTheFlag(String flag, String value, String expected) {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> LocalStackConfig.parse(flag, value));
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(flag), e.getMessage());
    }

    @Test
    void unknownFlagsAreRefusedWithASuggestionAndExitCode2() {
        Run run = run("--colour", "blue");
        assertEquals(2, run.code);
        assertTrue(run.err.contains("local-stack: Unknown options: '--colour', 'blue'"), run.err);
        assertEquals("", run.out);
        Run typo = run("--instance-per-type", "3");
        assertEquals(2, typo.code);
        assertTrue(typo.err.contains("--instances-per-type"), "did-you-mean: " + typo.err);
    }

    @Test
    void aFlagWithoutValueIsRefusedWithExitCode2() {
        Run run = run("--seed");
        assertEquals(2, run.code);
        assertTrue(run.err.contains("Missing required parameter for option '--seed'"), run.err);
    }

    @Test
    void helpPrintsTheUsageAndExits0WithoutStartingAnything() {
        Run run = run("--kafka-port", "1", "--help");
        assertEquals(0, run.code);
        assertTrue(run.out.startsWith("Usage: local-stack"), run.out);
        assertTrue(run.out.contains("--snapshot-interval"), run.out);
        assertEquals("", run.err);
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = LocalStackCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private record Run(int code, String out, String err) {
    }
}
