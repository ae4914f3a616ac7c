package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 24, items 5, 8 and 14: hostile or careless rule files are invalid input (exit 1, the file
 * named), never a Kafka/IO failure (exit 3), and durations and regexes get the topology's checks.
 */
class HostileRuleFilesTest {

    private static final String HEAD = """
            rules:
              - id: conn
                metric: connections_used_ratio
                severities: {warning: '> 0.8'}
            """;

    @TempDir
    Path dir;

    static Stream<Arguments> hostileContents() {
        String deep = "rules: " + "[".repeat(200) + "]".repeat(200) + "\n";
        StringBuilder aliases = new StringBuilder("a: &a [x, x]\n");
        for (int i = 0; i < 60; i++) {
            aliases.append("b").append(i).append(": &b").append(i).append(" [*a, *a]\n");
        }
        return Stream.of(
                Arguments.of("too deep", deep.getBytes(), "not a YAML rule file"),
                Arguments.of("too many aliases", aliases.toString().getBytes(), "not a YAML rule file"),
                Arguments.of("over 3 MB", ("# " + "x".repeat(3 * 1024 * 1024) + "\n").getBytes(), "bytes; a rule file is at most"),
                Arguments.of("binary", new byte[] {0, 1, 2, 3, (byte) 0xff, 0x7f, 0x10}, "not a YAML rule file"),
                Arguments.of("not UTF-8", new byte[] {'a', ':', ' ', (byte) 0xe9, 't', (byte) 0xe9, '\n'}, "not UTF-8 text"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileContents")
    void hostileFilesAreInvalidInputNamingTheFile(String why, byte[] content, String expected) throws IOException {
        Path file = dir.resolve("hostile.yaml");
        Files.write(file, content);

        CliRun run = CliRun.of("validate", file.toString());

        assertEquals(1, run.exit(), why + ": " + run);
        assertTrue(run.out().contains("hostile.yaml:1:1: error: ") && run.out().contains(expected), why + ": " + run);
    }

    @Test
    void aDirectoryIsInvalidInputNamingIt() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("rules.d"));

        CliRun run = CliRun.of("validate", sub.toString());

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("rules.d:1:1: error: is a directory"), run.toString());
    }

    static Stream<Arguments> hostileRules() {
        return Stream.of(
                Arguments.of("repeat_interval whose now + interval overflows", "    repeat_interval: 106751991167d\n",
                        "rule 'conn': repeat_interval: 9223372036828800000 ms is longer than the maximum"),
                Arguments.of("a for that wraps to 2 ms", "    for: 9223372036854775807ms9223372036854775807ms2ms\n",
                        "'for': '9223372036854775807ms9223372036854775807ms2ms' is not a duration"),
                Arguments.of("a for whose units overflow together", "    for: 1w9223372036854775807ms\n",
                        "'for': '1w9223372036854775807ms' is too long a duration"),
                Arguments.of("a for of the longest duration there is", "    for: 9223372036854775807ms\n",
                        "rule 'conn': for: 9223372036854775807 ms is longer than the maximum"),
                Arguments.of("escalate_after past the maximum", "    escalate_after: 400d\n    escalate_to: critical\n",
                        "rule 'conn': escalate_after: 34560000000 ms is longer than the maximum"),
                Arguments.of("a regex RE2 refuses (backreference)", "    match: ['instance_id =~ \"(db)\\1\"']\n",
                        "(RE2 syntax)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileRules")
    void durationsAndRegexesGetTheTopologysChecks(String why, String extra, String expected) {
        Path file = CliRun.write(dir, "rules.yaml", HEAD + extra);

        CliRun run = CliRun.of("validate", file.toString());

        assertEquals(1, run.exit(), why + ": " + run);
        assertTrue(run.out().contains(expected), why + ": expected " + expected + " in\n" + run);
    }
}
