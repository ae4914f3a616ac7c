package com.gds.alerting.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Rule;

class RuleFilesTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryMeansItsYamlFilesNotItsTestsSubdirectory() throws Exception {
        List<Rule> rules = RuleFiles.load(List.of(LocalStackIT.PACKS));
        long written = 0;
        try (var files = Files.list(LocalStackIT.PACKS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                written += Files.readAllLines(f).stream().filter(l -> l.startsWith("  - id: ")).count();
            }
        }
        assertEquals(written, rules.size(), "every rule of rules/packs/*.yaml, nothing from rules/packs/tests/");
    }

    @Test
    void aMissingPathStopsTheStartNamingIt() {
        LocalStack.InvalidInputException e = assertThrows(LocalStack.InvalidInputException.class,
                () -> RuleFiles.load(List.of(dir.resolve("nope"))));
        assertTrue(e.getMessage().contains("--rules " + dir.resolve("nope") + ": no such file"), e.getMessage());
    }

    @Test
    void anInvalidRuleStopsTheStartWithItsLine() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "rules:\n  - id: x\n    metric: up\n    severities:\n      critical: '<< 1'\n");
        LocalStack.InvalidInputException e = assertThrows(LocalStack.InvalidInputException.class,
                () -> RuleFiles.load(List.of(bad)));
        assertTrue(e.getMessage().contains("bad.yaml:5"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutRuleFilesIsRefused() {
        LocalStack.InvalidInputException e = assertThrows(LocalStack.InvalidInputException.class,
                () -> RuleFiles.load(List.of(dir)));
        assertTrue(e.getMessage().contains("holds no *.yaml rule file"), e.getMessage());
    }
}
