package com.gds.alerting.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import picocli.CommandLine;

import com.gds.alerting.rulescli.GdsRules;

/**
 * The README says only true things about the repository: every path it names exists, every
 * command it shows names options its program has, every module it builds exists, and the
 * services its docker-compose table lists are exactly those of {@code docker-compose.yml}.
 * (Issue 23: it named {@code rules/*.yaml} files that did not exist and four services of eight.)
 */
class ReadmeTruthTest {

    /** The repository root (the tests run in local-stack/). */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    private static String readme;
    /** Every piece of code in the README: inline spans and the lines of fenced blocks. */
    private static List<String> code;
    private static Set<String> topLevel;

    @BeforeAll
    static void read() throws IOException {
        readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
        code = new ArrayList<>();
        boolean fenced = false;
        for (String line : readme.split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                code.add(line.trim());
            } else {
                Matcher m = CODE_SPAN.matcher(line);
                while (m.find()) {
                    code.add(m.group(1).trim());
                }
            }
        }
        try (Stream<Path> entries = Files.list(ROOT)) {
            topLevel = new TreeSet<>(entries.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals("data") && !n.startsWith(".git")).toList());
        }
    }

    @Test
    void everyRepositoryPathTheReadmeNamesExists() {
        Set<String> missing = new LinkedHashSet<>();
        int checked = 0;
        for (String piece : code) {
            for (String token : piece.split("[\\s=]+")) {
                // Unquoted, unbracketed, without a trailing ":LINE" (rules/packs/postgresql.yaml:12) or punctuation.
                String path = token.replaceAll("^[\"'(\\[]+|[\"',.;:)\\]]+$", "").replaceAll("(:\\d+)+$", "");
                if (!isRepositoryPath(path)) {
                    continue;
                }
                checked++;
                if (!exists(path)) {
                    missing.add(path + "   (in: " + piece + ")");
                }
            }
        }
        assertTrue(checked > 20, "the README names repository paths; found only " + checked);
        assertTrue(missing.isEmpty(), "README names paths that do not exist:\n" + String.join("\n", missing));
    }

    @Test
    void everyRelativeLinkOfTheReadmeLeadsToAFileOfTheRepository() {
        Set<String> broken = new LinkedHashSet<>();
        Matcher m = LINK.matcher(readme);
        while (m.find()) {
            String target = m.group(1);
            if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("#")) {
                continue;
            }
            String file = target.replaceAll("#.*$", "");
            Path resolved = ROOT.resolve(file).normalize();
            if (!resolved.startsWith(ROOT) || !Files.exists(resolved)) {
                broken.add(target);
            }
        }
        assertTrue(broken.isEmpty(), "README links to what the repository does not hold: " + broken);
    }

    @Test
    void theCommandsOfTheReadmeUseOptionsTheirProgramsHave() {
        Set<String> wrong = new LinkedHashSet<>();
        CommandLine localStack = LocalStackCommand.commandLine();
        CommandLine gdsRules = new CommandLine(new GdsRules());
        int commands = 0;
        for (String piece : code) {
            List<String> words = List.of(piece.replace("\\", " ").trim().split("\\s+"));
            int at = words.indexOf("bin/local-stack");
            if (at >= 0) {
                commands++;
                options(words.subList(at + 1, words.size())).stream()
                        .filter(o -> localStack.getCommandSpec().findOption(o) == null)
                        .forEach(o -> wrong.add("bin/local-stack has no option " + o + "   (in: " + piece + ")"));
            }
            int rules = words.indexOf("bin/gds-rules");
            if (rules >= 0 && rules + 1 < words.size() && !words.get(rules + 1).startsWith("-")) {
                commands++;
                String name = words.get(rules + 1);
                CommandLine sub = gdsRules.getSubcommands().get(name);
                if (sub == null) {
                    wrong.add("gds-rules has no command " + name + "   (in: " + piece + ")");
                    continue;
                }
                int args = rules + 2;
                // Nested commands (gds-rules dlq list): the options are the innermost command's.
                while (args < words.size() && sub.getSubcommands().containsKey(words.get(args))) {
                    sub = sub.getSubcommands().get(words.get(args));
                    args++;
                }
                CommandLine command = sub;
                options(words.subList(args, words.size())).stream()
                        .filter(o -> command.getCommandSpec().findOption(o) == null)
                        .forEach(o -> wrong.add("gds-rules " + command.getCommandName() + " has no option " + o + "   (in: " + piece + ")"));
            }
            at = words.indexOf("./mvnw");
            if (at >= 0) {
                commands++;
                int pl = words.indexOf("-pl");
                if (pl > at && pl + 1 < words.size()) {
                    for (String module : words.get(pl + 1).split(",")) {
                        if (!Files.isRegularFile(ROOT.resolve(module).resolve("pom.xml"))) {
                            wrong.add("no module " + module + "   (in: " + piece + ")");
                        }
                    }
                }
            }
        }
        assertTrue(commands > 10, "the README shows commands; found only " + commands);
        assertTrue(Files.isExecutable(ROOT.resolve("bin/local-stack")) && Files.isExecutable(ROOT.resolve("bin/gds-rules"))
                && Files.isExecutable(ROOT.resolve("mvnw")), "the README's commands are executable");
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    void theDockerComposeTableListsExactlyTheServicesOfTheFile() throws IOException {
        int section = readme.indexOf("\n## `docker-compose.yml`");
        assertTrue(section >= 0, "the README has a docker-compose.yml section");
        int end = readme.indexOf("\n## ", section + 1);
        String text = readme.substring(section, end < 0 ? readme.length() : end);
        Set<String> listed = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\|").matcher(text);
        while (row.find()) {
            listed.add(row.group(1));
        }
        Map<String, Object> compose;
        try (Reader in = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(in);
        }
        @SuppressWarnings("unchecked")
        Set<String> services = new TreeSet<>(((Map<String, Object>) compose.get("services")).keySet());
        assertEquals(services, listed, "services in docker-compose.yml vs the README's table");
    }

    /** {@code --flag} or {@code --flag=value} words, up to a shell operator. */
    private static List<String> options(List<String> words) {
        List<String> options = new ArrayList<>();
        for (String w : words) {
            if (w.equals("|") || w.equals("&&") || w.equals(";") || w.equals("&")) {
                break;
            }
            if (w.startsWith("--") && w.length() > 2) {
                options.add(w.replaceAll("[=,;:.)`]+.*$|[=,;:.)`]+$", ""));
            } else if (w.matches("-[a-zA-Z]")) {
                options.add(w);
            }
        }
        return options;
    }

    /** A relative path whose first segment is an entry of the repository root (not build output, not a placeholder). */
    private static boolean isRepositoryPath(String token) {
        if (!token.contains("/") || token.contains("://") || token.contains("{") || token.contains("<")
                || token.contains("$") || token.contains("...") || token.contains("…")) {
            return false;
        }
        String first = token.startsWith("./") ? token.substring(2) : token;
        int slash = first.indexOf('/');
        if (slash <= 0 || !topLevel.contains(first.substring(0, slash))) {
            return false;
        }
        return !first.contains("/target/") && !first.endsWith("/target");
    }

    private static boolean exists(String token) {
        String path = token.startsWith("./") ? token.substring(2) : token;
        if (!path.contains("*")) {
            return Files.exists(ROOT.resolve(path));
        }
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + path);
        try (Stream<Path> files = Files.walk(ROOT.resolve(path.substring(0, path.indexOf('/'))))) {
            return files.map(p -> ROOT.relativize(p)).anyMatch(glob::matches);
        } catch (IOException e) {
            return false;
        }
    }
}
