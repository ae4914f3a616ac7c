package com.gds.alerting.rulescli.tenant;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import com.gds.alerting.avro.Condition;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleSetting;
import com.gds.alerting.avro.RuleSettings;
import com.gds.alerting.avro.SettingMode;
import com.gds.alerting.avro.serde.AvroSerdes;
import com.gds.alerting.contract.Tenants;
import com.gds.alerting.rulescli.DurationConverter;
import com.gds.alerting.rulescli.rules.ParsedRule;
import com.gds.alerting.rulescli.rules.RuleFileParser;
import com.gds.alerting.rulescli.rules.SettingsChecker;
import com.gds.alerting.rulescli.rules.SettingsFileParser;
import com.gds.alerting.rulescli.rules.SettingsFileParser.ParsedSettings;
import com.gds.alerting.rulescli.yaml.Diagnostic;
import com.gds.alerting.rulescli.yaml.Diagnostics;
import com.gds.alerting.topologies.rules.Level;

/**
 * {@code gds-rules tenant …}: a tenant's settings file from scaffold to offboarding (README, "Tenants and
 * the three layers").
 */
@Command(name = "tenant", mixinStandardHelpOptions = true,
        description = "Scaffold, compare, publish and remove a tenant's settings (the third layer, above the packs and the"
                + " platform defaults).",
        subcommands = {TenantCommand.Init.class, TenantCommand.Diff.class, TenantCommand.Publish.class, TenantCommand.Offboard.class})
public final class TenantCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: init, diff, publish or offboard");
    }

    /** The rules of the pack files and directories given (a directory: its *.yaml, not its subdirectories). */
    static List<ParsedRule> packs(List<Path> packs, Diagnostics d) {
        com.gds.alerting.avro.serde.AvroClassTrust.install();
        List<Path> files = new ArrayList<>();
        for (Path p : packs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot list " + p + ": " + e, e);
                }
            } else {
                files.add(p);
            }
        }
        List<ParsedRule> out = new ArrayList<>();
        for (Path f : files) {
            if (!SettingsFileParser.isSettingsFile(f)) {
                out.addAll(RuleFileParser.parse(f, f.toString(), d));
            }
        }
        return out;
    }

    /** {@code warning > 0.9 (recovery 0.8), critical > 0.98}. */
    static String conditions(List<Condition> conditions) {
        if (conditions.isEmpty()) {
            return "(no threshold)";
        }
        List<String> parts = new ArrayList<>();
        for (Condition c : conditions) {
            parts.add(c.getSeverity().name().toLowerCase(Locale.ROOT) + " " + Level.symbol(c.getOp()) + " " + number(c.getThreshold())
                    + (c.getRecoveryThreshold() == null ? "" : " (recovery " + number(c.getRecoveryThreshold()) + ")"));
        }
        return String.join(", ", parts);
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    static boolean printDiagnostics(PrintWriter out, Diagnostics d) {
        for (Diagnostic x : d.sorted()) {
            out.println(x);
        }
        return !d.hasErrors();
    }

    /** {@code tenant init}: a tenant's settings file listing every rule of the packs. */
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Write a tenant's settings file: every rule of the packs, those set with --set (or answered with"
                    + " --interactive) as settings, the rest as comments showing their default thresholds.",
                    "Exit 0 when written (or printed with --dry-run), 1 on a bad --set or an existing file without --force."})
    static final class Init implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true, description = "The tenant id (a-z 0-9 . _ -).")
        String tenant;

        @Option(names = "--packs", defaultValue = "rules/packs", split = ",", paramLabel = "FILE|DIR",
                description = "Rule pack files or directories (default: ${DEFAULT-VALUE}).")
        List<Path> packs;

        @Option(names = "--set", paramLabel = "RULE=SETTING", description = {"A rule's setting: default, disabled, or"
                + " severities as 'warning > 0.9, critical > 0.98'. Repeatable."})
        List<String> sets = new ArrayList<>();

        @Option(names = "--interactive", description = "Ask for each rule's setting on the terminal (empty answer: leave it).")
        boolean interactive;

        @Option(names = "--out", paramLabel = "FILE", description = "Where to write (default: rules/tenants/<tenant>.yaml).")
        Path outFile;

        @Option(names = "--force", description = "Overwrite an existing file.")
        boolean force;

        @Option(names = "--dry-run", description = "Print the file, write nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            if (Tenants.problem(tenant) != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tenant: " + Tenants.problem(tenant));
            }
            Diagnostics d = new Diagnostics();
            List<ParsedRule> rules = packs(packs, d);
            if (!printDiagnostics(out, d)) {
                out.println("Nothing written: the packs have errors.");
                return 1;
            }
            Map<String, Rule> byId = new LinkedHashMap<>();
            rules.forEach(r -> byId.put(r.rule().getRuleId(), r.rule()));
            Map<String, String> chosen = new LinkedHashMap<>();
            for (String set : sets) {
                int eq = set.indexOf('=');
                String id = eq < 0 ? set : set.substring(0, eq).trim();
                if (eq < 0 || !byId.containsKey(id)) {
                    out.println("--set '" + set + "': " + (eq < 0 ? "write RULE=SETTING" : "no rule '" + id + "' in the packs"
                            + hint(id, byId)));
                    return 1;
                }
                String value = set.substring(eq + 1).trim();
                String problem = settingProblem(value);
                if (problem != null) {
                    out.println("--set '" + set + "': " + problem);
                    return 1;
                }
                chosen.put(id, value);
            }
            if (interactive) {
                ask(out, byId, chosen);
            }
            String yaml = render(tenant, byId, chosen);
            Path target = outFile != null ? outFile : Path.of("rules", "tenants", tenant + ".yaml");
            if (dryRun) {
                out.print(yaml);
                out.println("# Dry run: nothing written (would write " + target + ").");
                return 0;
            }
            if (Files.exists(target) && !force) {
                out.println(target + " exists; use --force to overwrite it, or tenant diff to see what it changes.");
                return 1;
            }
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            Files.writeString(target, yaml, StandardCharsets.UTF_8);
            out.println("Wrote " + target + ": " + chosen.size() + " of " + byId.size() + " rules set. Check it with: gds-rules"
                    + " validate --as tenant:" + tenant + " " + target);
            return 0;
        }

        private void ask(PrintWriter out, Map<String, Rule> byId, Map<String, String> chosen) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (Rule r : byId.values()) {
                while (true) {
                    out.print(r.getRuleId() + " [" + conditions(r.getConditions()) + "] (default, disabled, or severities; empty:"
                            + " leave): ");
                    out.flush();
                    String line = in.readLine();
                    if (line == null) {
                        return;
                    }
                    if (line.isBlank()) {
                        break;
                    }
                    String problem = settingProblem(line.trim());
                    if (problem == null) {
                        chosen.put(r.getRuleId(), line.trim());
                        break;
                    }
                    out.println("  " + problem);
                }
            }
        }

        private static String hint(String id, Map<String, Rule> byId) {
            String closest = com.gds.alerting.config.DidYouMean.closest(id, byId.keySet());
            return closest == null ? "" : "; did you mean '" + closest + "'?";
        }

        /** Why a setting value is not default, disabled or 'severity OP number, ...'; null when it is. */
        static String settingProblem(String value) {
            if (value.equals("default") || value.equals("disabled")) {
                return null;
            }
            for (String part : value.split(",")) {
                if (!part.trim().matches("(?i)(critical|high|warning|info)\\s*(>=|<=|==|!=|>|<)\\s*-?[0-9.eE+-]+")) {
                    return "'" + part.trim() + "' is not default, disabled or 'severity OP number' (e.g. warning > 0.9)";
                }
            }
            return null;
        }

        static String render(String tenant, Map<String, Rule> byId, Map<String, String> chosen) {
            StringBuilder y = new StringBuilder();
            y.append("# Settings of tenant ").append(tenant).append(" (README, \"Tenants and the three layers\").\n");
            y.append("# A rule not listed follows the platform defaults, then its pack. Per rule: default, disabled, or\n");
            y.append("# severities (custom), with optional dimensions (match by regex) and schedules.\n");
            y.append("layer: tenant\ntenant: ").append(tenant).append("\nrules:\n");
            if (chosen.isEmpty()) {
                y.append("  {}\n");
            }
            for (Map.Entry<String, String> e : chosen.entrySet()) {
                y.append("  ").append(e.getKey()).append(":");
                if (e.getValue().equals("default") || e.getValue().equals("disabled")) {
                    y.append(" ").append(e.getValue()).append('\n');
                    continue;
                }
                y.append("\n    severities:\n");
                for (String part : e.getValue().split(",")) {
                    String p = part.trim();
                    String sev = p.replaceAll("^(?i)(critical|high|warning|info).*", "$1");
                    y.append("      ").append(sev.toLowerCase(Locale.ROOT)).append(": '").append(p.substring(sev.length()).trim())
                            .append("'\n");
                }
            }
            y.append("# Other rules of the packs, with their pack thresholds:\n");
            for (Rule r : byId.values()) {
                if (!chosen.containsKey(r.getRuleId())) {
                    y.append("#  ").append(r.getRuleId()).append(": default   # ").append(conditions(r.getConditions())).append('\n');
                }
            }
            y.append("maintenance: []\n");
            return y.toString();
        }
    }

    /** {@code tenant diff}: what a tenant's file changes against the defaults. */
    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = {"Print what a tenant's settings change against the defaults (the platform file if given, else the"
                    + " packs): per rule the default and the tenant's setting, and the maintenance windows.",
                    "Exit 0, or 1 when a file is invalid."})
    static final class Diff implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1", paramLabel = "TENANT_FILE")
        Path file;

        @Option(names = "--packs", defaultValue = "rules/packs", split = ",", paramLabel = "FILE|DIR",
                description = "Rule pack files or directories (default: ${DEFAULT-VALUE}).")
        List<Path> packs;

        @Option(names = "--platform", paramLabel = "FILE", description = "The platform defaults file.")
        Path platform;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Diagnostics d = new Diagnostics();
            List<ParsedRule> rules = packs(packs, d);
            List<Path> settingsFiles = platform == null ? List.of(file) : List.of(platform, file);
            List<ParsedSettings> settings = SettingsChecker.check(settingsFiles, List.of(), rules, null, d);
            if (!printDiagnostics(out, d)) {
                return 1;
            }
            Map<String, RuleSetting> platformRules = new LinkedHashMap<>();
            ParsedSettings tenantFile = null;
            for (ParsedSettings s : settings) {
                if (s.settings().getTenant() == null) {
                    s.settings().getRules().forEach(r -> platformRules.put(r.getRuleId(), r));
                } else {
                    tenantFile = s;
                }
            }
            if (tenantFile == null) {
                out.println(file + " is not a tenant's settings file (layer: tenant).");
                return 1;
            }
            Map<String, Rule> byId = new LinkedHashMap<>();
            rules.forEach(r -> byId.put(r.rule().getRuleId(), r.rule()));
            RuleSettings t = tenantFile.settings();
            out.println("tenant " + t.getTenant() + ": " + t.getRules().size() + " rule settings, " + t.getMaintenance().size()
                    + " maintenance windows");
            for (RuleSetting s : t.getRules()) {
                RuleSetting p = platformRules.get(s.getRuleId());
                Rule pack = byId.get(s.getRuleId());
                String def = p != null && p.getMode() == SettingMode.CUSTOM ? conditions(p.getConditions()) + " (platform)"
                        : p != null && p.getMode() == SettingMode.DISABLED ? "disabled (platform)"
                        : pack != null ? conditions(pack.getConditions()) + " (pack)" : "unknown rule";
                String mine = switch (s.getMode()) {
                    case CUSTOM -> conditions(s.getConditions());
                    case DISABLED -> "disabled";
                    default -> "default";
                };
                StringBuilder line = new StringBuilder("  ").append(s.getRuleId()).append(": ");
                boolean changes = s.getMode() != SettingMode.DEFAULT || !s.getDimensions().isEmpty() || !s.getSchedules().isEmpty();
                line.append(changes ? def + " -> " + mine : "no change (" + def + ")");
                s.getDimensions().forEach(dim -> line.append("\n      where ").append(dim.getMatchers().stream()
                        .map(m -> m.getLabel() + " " + switch (m.getOp()) {
                            case EQ -> "=";
                            case NEQ -> "!=";
                            case RE -> "=~";
                            case NRE -> "!~";
                        } + " \"" + m.getValue() + "\"").toList()).append(": ").append(dim.getMode() == SettingMode.CUSTOM
                        ? conditions(dim.getConditions()) : dim.getMode().name().toLowerCase(Locale.ROOT)));
                s.getSchedules().forEach(w -> line.append("\n      ").append(w.getStart()).append("-").append(w.getEnd()).append(" ")
                        .append(w.getTimeZone()).append(w.getDays().isEmpty() ? "" : " " + w.getDays()).append(": ")
                        .append(conditions(w.getConditions())));
                out.println(line);
            }
            t.getMaintenance().forEach(w -> out.println("  maintenance " + w.getStartsAt() + " .. " + w.getEndsAt()
                    + (w.getComment() == null ? "" : "  " + w.getComment())));
            return 0;
        }
    }

    /** {@code tenant publish}: validate settings files as a writer and publish them. */
    @Command(name = "publish", mixinStandardHelpOptions = true,
            description = {"Validate settings files as --as would publish them (tenant bounds, fixed rules) and publish each as"
                    + " one record on the settings topic, keyed platform or tenant:<id>, with the writer in its headers and"
                    + " updated_by/updated_at set (the audit trail). The topology refuses what is outside the writer's layer"
                    + " too.", "Exit 0 when published, 1 when a file is invalid, 3 on a Kafka failure."})
    static final class Publish implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "Settings files.")
        List<Path> files;

        @Option(names = "--as", required = true, paramLabel = "WRITER", description = "platform or tenant:<tenant_id>.")
        String as;

        @Option(names = "--by", paramLabel = "NAME", description = "Who publishes, for the audit trail (default: $USER).")
        String by;

        @Option(names = "--packs", split = ",", paramLabel = "FILE|DIR", description = "Packs, to warn about unknown rule ids.")
        List<Path> packs = new ArrayList<>();

        @Mixin
        SettingsTopic target;

        @Option(names = "--dry-run", description = "Validate and print what would be published.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            SettingsChecker.Writer writer;
            try {
                writer = SettingsChecker.Writer.parse(as);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--as: " + e.getMessage());
            }
            Diagnostics d = new Diagnostics();
            List<Path> notSettings = files.stream().filter(f -> !SettingsFileParser.isSettingsFile(f)).toList();
            List<ParsedSettings> settings = SettingsChecker.check(files.stream().filter(SettingsFileParser::isSettingsFile).toList(),
                    notSettings, packs(packs, d), writer, d);
            for (Path f : notSettings) {
                if (writer.role() != Tenants.Role.TENANT) {
                    d.error(com.gds.alerting.rulescli.yaml.Location.start(f.toString()), "not a settings file (no 'layer:');"
                            + " rule packs are published with gds-rules publish");
                }
            }
            if (!printDiagnostics(out, d)) {
                out.println("Nothing published: fix the errors above first.");
                return 1;
            }
            String who = by != null ? by : System.getProperty("user.name");
            Tenants.Actor actor = new Tenants.Actor(who, writer.role(), writer.tenant());
            for (ParsedSettings s : settings) {
                s.settings().setUpdatedBy(who);
                s.settings().setUpdatedAt(Instant.now());
                out.println((dryRun ? "would publish " : "publishing ") + s.key() + " (" + s.settings().getRules().size()
                        + " rule settings, " + s.settings().getMaintenance().size() + " maintenance windows) to " + target.topic);
            }
            if (dryRun) {
                out.println("Dry run: nothing published.");
                return 0;
            }
            List<ProducerRecord<String, RuleSettings>> records = new ArrayList<>();
            for (ParsedSettings s : settings) {
                RecordHeaders headers = new RecordHeaders();
                actor.writeTo(headers);
                records.add(new ProducerRecord<>(target.topic, null, s.key(), s.settings(), headers));
            }
            target.send(records);
            out.println("Published " + records.size() + " settings records to " + target.topic + " as " + writer + ".");
            return 0;
        }
    }

    /** {@code tenant offboard}: delete a tenant's settings (a tombstone). */
    @Command(name = "offboard", mixinStandardHelpOptions = true,
            description = {"Remove a tenant's settings: a tombstone for tenant:<id> on the settings topic, written as the"
                    + " platform. The tenant's instances then follow the platform defaults and the packs; their alerts and"
                    + " history stay until the retention removes them.", "Exit 0 when done, 3 on a Kafka failure."})
    static final class Offboard implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--tenant", required = true)
        String tenant;

        @Option(names = "--by", paramLabel = "NAME", description = "Who offboards, for the audit trail (default: $USER).")
        String by;

        @Mixin
        SettingsTopic target;

        @Option(names = "--dry-run", description = "Say what would be deleted, delete nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            if (Tenants.problem(tenant) != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tenant: " + Tenants.problem(tenant));
            }
            String key = Tenants.settingsKey(tenant);
            if (dryRun) {
                out.println("Dry run: would delete " + key + " from " + target.topic + ".");
                return 0;
            }
            RecordHeaders headers = new RecordHeaders();
            new Tenants.Actor(by != null ? by : System.getProperty("user.name"), Tenants.Role.PLATFORM, null).writeTo(headers);
            target.send(List.of(new ProducerRecord<>(target.topic, null, key, null, headers)));
            out.println("Deleted " + key + " from " + target.topic + ": tenant " + tenant + " follows the platform defaults and the packs.");
            return 0;
        }
    }

    /** Where {@code publish} and {@code offboard} write: the broker, the registry and the settings topic. */
    static final class SettingsTopic {

        @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT")
        String bootstrap;

        @Option(names = "--registry", defaultValue = "http://localhost:8081", paramLabel = "URL")
        String registry;

        @Option(names = "--topic", defaultValue = "gds.rule-settings", description = "Settings topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class)
        Duration timeout;

        void send(List<ProducerRecord<String, RuleSettings>> records) throws Exception {
            TenantCommand.send(bootstrap, registry, timeout, records);
        }
    }

    static void send(String bootstrap, String registry, Duration timeout, List<ProducerRecord<String, RuleSettings>> records)
            throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis() / 2, 30_000));
        Map<String, Object> serde = Map.of("schema.registry.url", registry);
        try (KafkaProducer<String, RuleSettings> producer = new KafkaProducer<>(props, new StringSerializer(),
                AvroSerdes.valueSerde(RuleSettings.class, serde).serializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (ProducerRecord<String, RuleSettings> r : records) {
                sent.add(producer.send(r));
            }
            producer.flush();
            for (var f : sent) {
                f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }
}
