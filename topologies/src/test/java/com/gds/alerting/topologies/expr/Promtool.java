package com.gds.alerting.topologies.expr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Prometheus' {@code promtool test rules} (installed by scripts/ensure-prometheus.sh, which
 * fails rather than lets a test skip) and reads its verdicts: promtool prints, for each
 * {@code promql_expr_test} that fails, the expression, the time, and what it got — so a test that
 * writes our evaluator's result as the expectation learns Prometheus' result for every case where
 * the two differ.
 */
final class Promtool {

    /** What promtool said about one case that did not pass: its samples, or its error. */
    record Verdict(List<Map.Entry<String, Double>> got, String error) {
    }

    private static final Pattern HEADER = Pattern.compile("^    expr: (\".*\"), time: (\\S+?),(?: err: (.*))?$");
    private static final Pattern GOT = Pattern.compile("^        got: (.*)$");
    private static final Pattern SAMPLE = Pattern.compile("(\\{[^}]*\\}) (\\S+?)(?:, |$)");

    private final Path binary;

    private Promtool(Path binary) {
        this.binary = binary;
    }

    /** Installs promtool when missing (scripts/ensure-prometheus.sh) and returns it; throws when it cannot. */
    static Promtool ensureInstalled() throws IOException, InterruptedException {
        Path script = Path.of("..", "scripts", "ensure-prometheus.sh").toAbsolutePath().normalize();
        Process p = new ProcessBuilder(script.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || out.isEmpty()) {
            throw new IllegalStateException(script + " could not provide promtool (exit " + p.exitValue() + ")");
        }
        String[] lines = out.split("\n");
        return new Promtool(Path.of(lines[lines.length - 1].trim()));
    }

    /**
     * Runs one test file; returns the failed cases keyed by {@code quotedExpr + " @" + evalMs}.
     * An empty map means every case passed.
     */
    Map<String, Verdict> test(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary.toString(), "test", "rules", file.getFileName().toString())
                .directory(file.getParent().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("promtool did not finish on " + file);
        }
        Map<String, Verdict> failed = new HashMap<>();
        String[] lines = out.split("\n");
        for (int i = 0; i < lines.length; i++) {
            Matcher h = HEADER.matcher(lines[i]);
            if (!h.matches()) {
                continue;
            }
            String key = h.group(1) + " @" + parseDuration(h.group(2));
            if (h.group(3) != null) {
                failed.put(key, new Verdict(null, h.group(3)));
                continue;
            }
            Matcher g = i + 2 < lines.length ? GOT.matcher(lines[i + 2]) : null;
            if (g == null || !g.matches()) {
                throw new IllegalStateException("cannot read promtool's output near: " + lines[i]);
            }
            failed.put(key, new Verdict(parseSamples(g.group(1)), null));
        }
        if (p.exitValue() != 0 && failed.isEmpty()) {
            throw new IllegalStateException("promtool failed without case results:\n" + out);
        }
        return failed;
    }

    private static final Pattern ALERT_HEADER = Pattern.compile("^    alertname: (\\S+), time: (\\S+?),\\s*$");
    private static final Pattern ALERT_LABELS = Pattern.compile("^\\s+Labels:\\{(.*)}\\s*$");
    private static final Pattern LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * Runs a test file whose {@code alert_rule_test} cases all expect no alert, and returns what promtool
     * got instead: per evaluation time (ms), the labels of each firing alert. A time missing from the map
     * had no firing alert.
     */
    Map<Long, List<Map<String, String>>> firingAlerts(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary.toString(), "test", "rules", file.getFileName().toString())
                .directory(file.getParent().toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("promtool did not finish on " + file);
        }
        Map<Long, List<Map<String, String>>> firing = new HashMap<>();
        Long at = null;
        for (String line : out.split("\n")) {
            Matcher h = ALERT_HEADER.matcher(line);
            if (h.matches()) {
                at = parseDuration(h.group(2));
                firing.put(at, new ArrayList<>());
                continue;
            }
            Matcher l = ALERT_LABELS.matcher(line);
            if (l.matches() && at != null) {
                Map<String, String> labels = new HashMap<>();
                Matcher kv = LABEL.matcher(l.group(1));
                while (kv.find()) {
                    labels.put(kv.group(1), kv.group(2));
                }
                firing.get(at).add(labels);
            }
        }
        if (p.exitValue() != 0 && firing.isEmpty()) {
            throw new IllegalStateException("promtool failed without alert results:\n" + out);
        }
        return firing;
    }

    static List<Map.Entry<String, Double>> parseSamples(String text) {
        List<Map.Entry<String, Double>> out = new ArrayList<>();
        if (text.equals("nil")) {
            return out;
        }
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            out.add(Map.entry(m.group(1), parseGoFloat(m.group(2))));
        }
        return out;
    }

    static double parseGoFloat(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    /** Prometheus' model.Duration text (e.g. {@code 1h2m30s}) in milliseconds. */
    static long parseDuration(String s) {
        long total = 0;
        Matcher m = Pattern.compile("(\\d+)(ms|y|w|d|h|m|s)").matcher(s);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total += n * switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                case "d" -> 86_400_000L;
                case "w" -> 604_800_000L;
                default -> 31_536_000_000L;
            };
        }
        return total;
    }

    /** Go's %q for the ASCII text our generator writes. */
    static String goQuote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A duration as promtool's YAML reads it: {@code 17m15s}. */
    static String formatDuration(long ms) {
        StringBuilder b = new StringBuilder();
        long m = ms / 60_000;
        long s = (ms % 60_000) / 1000;
        long rest = ms % 1000;
        if (m > 0) {
            b.append(m).append('m');
        }
        if (s > 0) {
            b.append(s).append('s');
        }
        if (rest > 0) {
            b.append(rest).append("ms");
        }
        return b.length() == 0 ? "0s" : b.toString();
    }

    static void write(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
