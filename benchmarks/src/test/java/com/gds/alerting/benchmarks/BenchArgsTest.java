package com.gds.alerting.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BenchArgsTest {

    private record Run(BenchArgs.Parsed parsed, String out, String err) {
    }

    private static Run run(String... argv) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        BenchArgs.Parsed parsed = BenchArgs.parse("PipelineBenchmark", argv, new PrintWriter(out), new PrintWriter(err),
                "rate", "duration", "work-dir");
        return new Run(parsed, out.toString(), err.toString());
    }

    @Test
    void givenOptionsAreReadByNameInEitherForm() {
        Run r = run("--rate", "5000", "--duration=60");
        assertEquals(-1, r.parsed().exitCode(), r.toString());
        assertEquals(Map.of("rate", "5000", "duration", "60"), r.parsed().args());
    }

    @Test
    void aMistypedOptionIsRefusedWithExit2AndTheLikelyOne() {
        // Once a mistyped rate ran the benchmark at the default rate, unnoticed.
        Run r = run("--rat", "5000");
        assertEquals(BenchArgs.USAGE_ERROR, r.parsed().exitCode(), r.toString());
        assertTrue(r.err().contains("PipelineBenchmark: Unknown options: '--rat', '5000'"), r.err());
        assertTrue(r.err().contains("Possible solutions: --rate"), r.err());
    }

    @Test
    void anOptionWithoutItsValueIsRefused() {
        Run r = run("--duration");
        assertEquals(BenchArgs.USAGE_ERROR, r.parsed().exitCode(), r.toString());
        assertTrue(r.err().contains("Missing required parameter for option '--duration'"), r.err());
    }

    @Test
    void aStrayValueIsRefused() {
        Run r = run("--rate", "5000", "60");
        assertEquals(BenchArgs.USAGE_ERROR, r.parsed().exitCode(), r.toString());
        assertTrue(r.err().contains("'60'"), r.err());
    }

    @Test
    void helpListsTheOptionsAndEndsWith0() {
        Run r = run("--help");
        assertEquals(0, r.parsed().exitCode(), r.toString());
        assertTrue(r.out().contains("--rate=VALUE") && r.out().contains("--work-dir=VALUE"), r.out());
    }

    /** Every harness's source, with the options it declares and the ones it reads. */
    static Stream<Path> harnesses() throws IOException {
        return Files.list(Path.of("src/main/java/com/gds/alerting/benchmarks"))
                .filter(p -> !p.getFileName().toString().equals("BenchArgs.java"));
    }

    @ParameterizedTest
    @MethodSource("harnesses")
    void everyOptionAHarnessReadsIsDeclaredSoItIsNotRefused(Path source) throws IOException {
        String text = Files.readString(source);
        Set<String> read = new TreeSet<>();
        Matcher m = Pattern.compile("args\\.(?:getOrDefault|get|containsKey)\\(\"([a-z0-9-]+)\"").matcher(text);
        while (m.find()) {
            read.add(m.group(1));
        }
        Set<String> declared = new TreeSet<>();
        Matcher call = Pattern.compile("(?s)BenchArgs\\.parse\\(\"\\w+\", argv,(.*?)\\)").matcher(text);
        if (call.find()) {
            Matcher name = Pattern.compile("\"([a-z0-9-]+)\"").matcher(call.group(1));
            while (name.find()) {
                declared.add(name.group(1));
            }
        }
        assertTrue(declared.containsAll(read), source.getFileName() + " reads " + read + " but declares " + declared);
    }
}
