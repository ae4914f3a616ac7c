package com.gds.alerting.collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's command line: what it accepts, what it refuses, and the exit codes. */
class MainTest {

    private static final String VALID = """
            kafka: {bootstrap.servers: "localhost:1"}
            schema_registry: {schema.registry.url: "mem://main-test"}
            targets:
              - type: postgresql
                instance_id: pg-01
                environment: prod
                connection: {url: "jdbc:postgresql://localhost:1/app"}
                credentials: {username: monitor}
                interval: 1h30m
                query_timeout: PT10S
            """;

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new CountDownLatch(1), new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aMistypedOptionIsRefusedNamingItAndTheLikelyOne() {
        Run r = run("--confg", "collectors.yaml");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Unknown options: '--confg', 'collectors.yaml'"), r.err());
        assertTrue(r.err().contains("Possible solutions: --config"), r.err());
    }

    @Test
    void theConfigurationIsRequired() {
        Run r = run("--check");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Missing required option: '--config=FILE'"), r.err());
        assertTrue(r.err().contains("Usage: collectors"), r.err());
    }

    @Test
    void helpListsEveryOptionAndTheExitCodesWithoutStartingAnything() {
        Run r = run("--help");
        assertEquals(0, r.exit(), r.toString());
        for (String expected : new String[] {"--config=FILE", "--check", "--help", "--version", "Exit codes:",
                "2   wrong command line or invalid configuration", "1h30m"}) {
            assertTrue(r.out().contains(expected), expected + " in\n" + r.out());
        }
        assertEquals("", r.err());
    }

    @Test
    void checkAcceptsAValidFileWithDurationsInTheSharedGrammar() throws Exception {
        Path file = Files.writeString(dir.resolve("collectors.yaml"), VALID);
        Run r = run("--config", file.toString(), "--check");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("valid, 1 targets"), r.out());
    }

    @Test
    void checkRefusesABadDurationNamingTheFieldTheValueAndTheAcceptedForms() throws Exception {
        Path file = Files.writeString(dir.resolve("collectors.yaml"), VALID.replace("interval: 1h30m", "interval: 90"));
        Run r = run("--config=" + file, "--check");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("targets[0].interval"), r.err());
        assertTrue(r.err().contains("'90' has no unit; write e.g. 90s or 90ms"), r.err());
    }
}
