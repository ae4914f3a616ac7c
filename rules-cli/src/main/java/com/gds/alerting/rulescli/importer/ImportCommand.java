package com.gds.alerting.rulescli.importer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gds-rules import prometheus FILE… [--metric-map FILE] [--out DIR]}. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Translate rules written for another system into this project's rule files.",
        subcommands = {ImportCommand.Prometheus.class})
public final class ImportCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: prometheus");
    }

    @Command(name = "prometheus", mixinStandardHelpOptions = true,
            description = {"Read Prometheus alerting-rule files and write the rules this project evaluates today with the"
                    + " same meaning (a selector compared with a number: threshold rules, with 'by' so each series keeps its"
                    + " own alert) as rule files, one per group, into --out. Every other rule is listed with the reason it"
                    + " is not translated (other expressions: write them as expr rules by hand); nothing is"
                    + " dropped silently.",
                    "Exit 0 when every rule was translated (notes allowed), 1 when some rule was not translated or a file"
                            + " is not a Prometheus rule file, 2 wrong usage (a bad --metric-map), 3 when a file cannot be"
                            + " read or written."})
    static final class Prometheus implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Prometheus rule files (YAML, groups[].rules[]).")
        List<Path> files;

        @Option(names = "--metric-map", paramLabel = "FILE", description = {"Exporter metric and label names to the"
                + " collectors' (rules/import/postgres_exporter.yaml, mongodb_exporter.yaml, mssql_exporter.yaml)."
                + " Without it names are taken as they are."})
        Path metricMap;

        @Option(names = "--out", defaultValue = ".", paramLabel = "DIR",
                description = "Where to write the rule files, one per group (default: ${DEFAULT-VALUE}).")
        Path outDir;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            MetricMap map;
            try {
                map = metricMap == null ? MetricMap.NONE : MetricMap.load(metricMap);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--metric-map " + e.getMessage());
            }
            RuleTranslator translator = new RuleTranslator(map);
            Set<String> ids = new HashSet<>();
            Set<Path> written = new HashSet<>();
            int translated = 0;
            int withNotes = 0;
            int refused = 0;
            boolean badFile = false;
            Files.createDirectories(outDir);
            for (Path file : files) {
                PromRuleFile parsed;
                try {
                    parsed = PromRuleFile.read(file);
                } catch (IllegalArgumentException e) {
                    out.println(file + ": error: " + e.getMessage());
                    badFile = true;
                    continue;
                }
                for (PromRuleFile.Group group : parsed.groups()) {
                    out.println(file + ": group " + group.name());
                    List<Map<String, Object>> rules = new ArrayList<>();
                    for (PromRuleFile.PromRule prom : group.rules()) {
                        String id = prom.alert() == null ? null : uniqueId(prom.alert(), ids);
                        RuleTranslator.Outcome o = translator.translate(prom, id);
                        switch (o.status()) {
                            case TRANSLATED -> translated++;
                            case TRANSLATED_WITH_NOTES -> withNotes++;
                            case NOT_TRANSLATED -> refused++;
                        }
                        if (o.rule() != null) {
                            rules.add(o.rule());
                            if (!id.equals(idOf(prom.alert()))) {
                                out.println("  note: id " + id + ": " + idOf(prom.alert()) + " is taken by an earlier rule");
                            }
                        } else if (id != null) {
                            ids.remove(id);
                        }
                        report(out, o);
                    }
                    if (!rules.isEmpty()) {
                        Path target = target(group.name(), written);
                        Files.writeString(target, yaml(file, group.name(), rules), StandardCharsets.UTF_8);
                        out.println("  wrote " + target + " (" + rules.size() + (rules.size() == 1 ? " rule)" : " rules)"));
                    }
                }
            }
            out.println((translated + withNotes + refused) + " alerting and recording rules: " + translated + " translated, "
                    + withNotes + " translated with notes, " + refused + " not translated");
            return refused > 0 || badFile ? 1 : 0;
        }

        private static void report(PrintWriter out, RuleTranslator.Outcome o) {
            String name = o.source().name();
            switch (o.status()) {
                case TRANSLATED -> out.println("  translated             " + name + " -> " + o.id());
                case TRANSLATED_WITH_NOTES -> {
                    out.println("  translated with notes  " + name + " -> " + o.id());
                    o.notes().forEach(n -> out.println("      note: " + n));
                }
                case NOT_TRANSLATED -> {
                    out.println("  not translated         " + name + ": " + o.reason());
                    out.println("      expr: " + o.source().expr().strip().replaceAll("\\s+", " "));
                }
            }
        }

        private Path target(String group, Set<Path> written) {
            String base = group.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
            base = base.isEmpty() ? "group" : base;
            Path target = outDir.resolve(base + ".yaml");
            for (int n = 2; !written.add(target); n++) {
                target = outDir.resolve(base + "-" + n + ".yaml");
            }
            return target;
        }

        private static String yaml(Path source, String group, List<Map<String, Object>> rules) {
            DumperOptions options = new DumperOptions();
            options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
            options.setWidth(120);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("rules", rules);
            return "# Imported by gds-rules import prometheus from " + source.getFileName() + ", group " + group + ".\n"
                    + new Yaml(options).dump(doc);
        }
    }

    /** The rule id of a Prometheus alert name: PostgresqlDown -> postgresql-down. */
    static String idOf(String alert) {
        String id = alert.replaceAll("([a-z0-9])([A-Z])", "$1-$2").replaceAll("([A-Z]+)([A-Z][a-z])", "$1-$2")
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+|-+$", "");
        return id.isEmpty() ? "imported" : id.length() > 190 ? id.substring(0, 190) : id;
    }

    private static String uniqueId(String alert, Set<String> taken) {
        String base = idOf(alert);
        String id = base;
        for (int n = 2; !taken.add(id); n++) {
            id = base + "-" + n;
        }
        return id;
    }
}
