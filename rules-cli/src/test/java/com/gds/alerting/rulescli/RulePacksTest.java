package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The rule packs in rules/packs are valid (strictly) and pass their own rule tests: CI runs them here. */
class RulePacksTest {

    private static final Path PACKS = Path.of(System.getProperty("gds.rules.packs", "../rules/packs"));

    @Test
    void everyPackIsValidWithoutWarnings() throws IOException {
        List<String> args = new ArrayList<>(List.of("validate", "--strict"));
        args.addAll(list(PACKS, ".yaml"));

        CliRun run = CliRun.of(args.toArray(String[]::new));

        assertEquals(0, run.exit(), run.toString());
    }

    @Test
    void everyPackPassesItsRuleTests() throws IOException {
        List<String> tests = list(PACKS.resolve("tests"), ".test.yaml");
        assertFalse(tests.isEmpty(), "no pack tests under " + PACKS.toAbsolutePath());
        List<String> args = new ArrayList<>(List.of("test"));
        args.addAll(tests);

        CliRun run = CliRun.of(args.toArray(String[]::new));

        assertEquals(0, run.exit(), run.toString());
    }

    private static List<String> list(Path dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().map(Path::toString).toList();
        }
    }
}
