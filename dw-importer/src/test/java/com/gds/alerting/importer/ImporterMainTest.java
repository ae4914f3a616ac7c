package com.gds.alerting.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The importer's command line: what it accepts, what it refuses, and the exit codes. */
class ImporterMainTest {

    @TempDir
    Path dir;

    /** The configuration the importer would have been started with; null = not started. */
    private final AtomicReference<ImporterConfig> started = new AtomicReference<>();

    private record Run(int exit, String out, String err) {
    }

    private Run run(Map<String, String> overrides, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ImporterMain.run(overrides, config -> {
            started.set(config);
            return 0;
        }, new PrintWriter(out), new PrintWriter(err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("importer.properties"), text);
    }

    @Test
    void aMistypedOptionIsRefusedNamingItAndNothingStarts() {
        Run r = run(Map.of(), "--conifg", "importer.properties");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Unknown options: '--conifg', 'importer.properties'"), r.err());
        assertNull(started.get());
    }

    @Test
    void helpListsTheOptionsEverySettingAndTheExitCodes() {
        Run r = run(Map.of(), "-h");
        assertEquals(0, r.exit(), r.toString());
        for (String expected : new String[] {"-c, --config=FILE", "--version", "importer.batch.max-wait",
                "warehouse.password.env", "kafka.*", "1h30m", "PT10S", "2   wrong command line or invalid configuration"}) {
            assertTrue(r.out().contains(expected), expected + " in\n" + r.out());
        }
        assertNull(started.get());
    }

    @Test
    void theFileAndTheSystemPropertiesMakeTheConfiguration() throws Exception {
        Path f = file("kafka.bootstrap.servers=localhost:1\nschema.registry.url=mem://main\nimporter.batch.max-wait=1h30m\n");
        Run r = run(Map.of("importer.retry.max-backoff", "PT1M"), "-c", f.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals(Duration.ofMinutes(90), started.get().batch().maxWait());
        assertEquals(Duration.ofMinutes(1), started.get().backoff().max());
    }

    @Test
    void aBadSettingExitsWith2NamingTheKeyAndNothingStarts() throws Exception {
        Path f = file("kafka.bootstrap.servers=localhost:1\nschema.registry.url=mem://main\nimporter.batch.max-wait=2 s\n");
        Run r = run(Map.of(), "--config=" + f);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("dw-importer: importer.batch.max-wait: '2 s' is not a duration"), r.err());
        assertNull(started.get());
    }

    @Test
    void theRunnersAnswerIsTheExitCode() throws Exception {
        Path f = file("kafka.bootstrap.servers=localhost:1\nschema.registry.url=mem://main\n");
        StringWriter err = new StringWriter();
        int exit = ImporterMain.run(Map.of(), config -> 1, new PrintWriter(new StringWriter()), new PrintWriter(err),
                "--config", f.toString());
        assertEquals(1, exit, err.toString());
    }
}
