package com.gds.alerting.collectors.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import com.gds.alerting.collectors.source.DatabaseType;
import com.gds.alerting.contract.Tenants;
import com.gds.alerting.contract.GdsTopics;

/**
 * Reads and validates {@code collectors.yaml}. Either the whole file is valid and a {@link
 * CollectorsConfig} comes back, or a {@link ConfigException} names the first wrong field and its
 * line: nothing starts half-configured.
 *
 * <p>Secrets are never written in the file: passwords are {@code password_env} or {@code
 * password_file}, and any client property may be {@code ${env:NAME}} or {@code ${file:PATH}}.
 * References are checked at load time (set / readable) and read again when used.
 */
public final class ConfigLoader {

    private static final Pattern NAME_PART = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SECRET_REF = Pattern.compile("\\$\\{(env|file):([^}]+)}");
    /** A password, or user:password@, written into an address where it would be logged. */
    private static final Pattern INLINE_PASSWORD = Pattern.compile("(?i)(password|pwd)\\s*=|://[^/@]*:[^/@]*@");

    private static final Set<String> TOP = Set.of("kafka", "schema_registry", "topics", "agent", "defaults", "targets");
    private static final Set<String> AGENT = Set.of("spool_dir", "spool_max_bytes", "max_concurrent_collections",
            "health_port", "health_bind");
    private static final Set<String> DEFAULTS = Set.of("interval", "query_timeout", "tags", "tenant");
    private static final Set<String> TARGET = Set.of("type", "instance_id", "environment", "connection", "credentials",
            "interval", "query_timeout", "metrics", "tags", "connection_limit", "options", "tenant");
    /** The {@code options} each database type understands. */
    private static final Map<DatabaseType, Set<String>> OPTIONS = Map.of(
            DatabaseType.POSTGRESQL, Set.of("expected_standbys", "autovacuum_overdue_after", "top_statements"),
            DatabaseType.MONGODB, Set.of("long_running_operation"),
            DatabaseType.MSSQL, Set.of(),
            DatabaseType.SNOWFLAKE, Set.of());
    private static final Set<String> CREDENTIALS = Set.of("username", "password_env", "password_file");

    private static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    private static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(10);

    private final Function<String, String> env;

    /** A loader reading secrets from this process's environment. */
    public ConfigLoader() {
        this(System::getenv);
    }

    /** A loader reading environment variables through {@code env} (tests). */
    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    /** Loads {@code file}; a missing or unreadable file is a {@link ConfigException} too. */
    public CollectorsConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "", "cannot read the file (" + e.getClass().getSimpleName() + ")");
        }
        return parse(text, file.toString(), file.toAbsolutePath().getParent());
    }

    /**
     * Parses configuration text.
     *
     * @param name    the file name used in messages
     * @param baseDir directory that relative paths (spool, secret files) resolve against
     */
    public CollectorsConfig parse(String text, String name, Path baseDir) {
        Node root;
        try (Reader reader = new StringReader(text)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(name, line, "", "not valid YAML: " + e.getProblem());
        } catch (YAMLException | IOException e) {
            throw new ConfigException(name, 0, "", "not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new ConfigException(name, 0, "", "the file is empty; it needs at least kafka and targets");
        }
        YamlNode top = new YamlNode(root, "", name).allowOnly(TOP);

        Map<String, Object> producer = clientProperties(top.required("kafka"), baseDir);
        if (!producer.containsKey("bootstrap.servers")) {
            throw top.required("kafka").error("bootstrap.servers is required");
        }
        YamlNode registryNode = top.required("schema_registry");
        Map<String, Object> serde = clientProperties(registryNode, baseDir);
        if (!serde.containsKey("schema.registry.url")) {
            throw registryNode.error("schema.registry.url is required");
        }
        GdsTopics topics = topics(top);
        AgentSettings agent = agent(top.optional("agent"), baseDir);
        YamlNode defaults = top.optional("defaults").map(d -> d.allowOnly(DEFAULTS)).orElse(null);
        List<TargetConfig> targets = targets(top.required("targets"), defaults, baseDir);
        return new CollectorsConfig(producer, serde, topics, agent, targets);
    }

    private Map<String, Object> clientProperties(YamlNode node, Path baseDir) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> e : node.scalarEntries().entrySet()) {
            out.put(e.getKey(), resolveReferences(e.getValue(), baseDir));
        }
        return out;
    }

    /** Replaces {@code ${env:NAME}} and {@code ${file:PATH}} in a value, failing clearly if one is missing. */
    private String resolveReferences(YamlNode node, Path baseDir) {
        String raw = node.string();
        Matcher m = SECRET_REF.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            SecretRef ref = m.group(1).equals("env") ? SecretRef.env(m.group(2), env)
                    : SecretRef.file(baseDir.resolve(m.group(2)));
            String value;
            try {
                value = ref.value();
            } catch (IllegalStateException e) {
                throw node.error(e.getMessage());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static GdsTopics topics(YamlNode top) {
        Map<String, Object> overrides = new HashMap<>();
        top.optional("topics").ifPresent(t -> t.scalarEntries()
                .forEach((k, v) -> overrides.put(GdsTopics.CONFIG_PREFIX + k, v.string())));
        try {
            return GdsTopics.fromConfig(overrides);
        } catch (IllegalArgumentException e) {
            throw top.required("topics").error(e.getMessage());
        }
    }

    private static AgentSettings agent(java.util.Optional<YamlNode> node, Path baseDir) {
        Path spoolDir = baseDir.resolve("spool");
        long maxBytes = AgentSettings.DEFAULT_SPOOL_MAX_BYTES;
        int concurrency = AgentSettings.DEFAULT_CONCURRENCY;
        int healthPort = AgentSettings.DEFAULT_HEALTH_PORT;
        String bind = "0.0.0.0";
        if (node.isPresent()) {
            YamlNode a = node.get().allowOnly(AGENT);
            spoolDir = a.optional("spool_dir").map(n -> baseDir.resolve(n.string())).orElse(spoolDir);
            YamlNode max = a.optional("spool_max_bytes").orElse(null);
            if (max != null) {
                maxBytes = max.bytes();
                if (maxBytes < (1 << 20)) {
                    throw max.error("must be at least 1MiB");
                }
            }
            concurrency = a.optional("max_concurrent_collections").map(n -> n.intInRange(1, 512)).orElse(concurrency);
            healthPort = a.optional("health_port").map(n -> n.intInRange(-1, 65535)).orElse(healthPort);
            bind = a.optional("health_bind").map(YamlNode::string).orElse(bind);
        }
        return new AgentSettings(spoolDir, maxBytes, concurrency, healthPort, bind);
    }

    private List<TargetConfig> targets(YamlNode node, YamlNode defaults, Path baseDir) {
        Duration interval = DEFAULT_INTERVAL;
        Duration timeout = DEFAULT_QUERY_TIMEOUT;
        Map<String, String> tags = Map.of();
        if (defaults != null) {
            interval = defaults.optional("interval").map(YamlNode::duration).orElse(interval);
            timeout = defaults.optional("query_timeout").map(YamlNode::duration).orElse(timeout);
            tags = defaults.optional("tags").map(ConfigLoader::tags).orElse(tags);
            YamlNode tenant = defaults.optional("tenant").orElse(null);
            if (tenant != null) {
                tags = new LinkedHashMap<>(tags);
                tags.put(Tenants.TAG, tenant(tenant));
            }
        }
        List<YamlNode> items = node.list();
        if (items.isEmpty()) {
            throw node.error("lists no target; the agent would have nothing to do");
        }
        List<TargetConfig> out = new ArrayList<>();
        Map<String, Integer> seenIds = new HashMap<>();
        for (YamlNode item : items) {
            TargetConfig t = target(item, interval, timeout, tags, baseDir);
            Integer first = seenIds.putIfAbsent(t.instanceId(), t.line());
            if (first != null) {
                throw item.required("instance_id").error("'" + t.instanceId() + "' is already used by the target at line " + first);
            }
            out.add(t);
        }
        return out;
    }

    private TargetConfig target(YamlNode t, Duration defaultInterval, Duration defaultTimeout,
                                Map<String, String> defaultTags, Path baseDir) {
        t.allowOnly(TARGET);
        YamlNode typeNode = t.required("type");
        DatabaseType type = DatabaseType.byId(typeNode.string()).orElseThrow(() -> typeNode.error(
                "unknown database type '" + typeNode.string() + "'; expected one of "
                        + java.util.Arrays.stream(DatabaseType.values()).map(DatabaseType::id).toList()));
        String instanceId = t.required("instance_id").matching(INSTANCE_ID,
                "letters, digits, '.', '_', ':' or '-' (at most 200)");
        String environment = t.required("environment").matching(NAME_PART,
                "lower-case letters, digits, '_' or '-' (it is part of the topic name)");

        Map<String, String> connection = new LinkedHashMap<>();
        YamlNode conn = t.required("connection");
        conn.scalarEntries().forEach((k, v) -> {
            String value = v.string();
            if (INLINE_PASSWORD.matcher(value).find() || k.toLowerCase(Locale.ROOT).contains("password")) {
                throw v.error("contains a password; put it in credentials.password_env or credentials.password_file");
            }
            connection.put(k, value);
        });
        if (!connection.containsKey(type.addressKey())) {
            throw conn.error(type.addressKey() + " is required for " + type.id());
        }

        Credentials credentials = t.optional("credentials").map(c -> credentials(c, baseDir)).orElse(null);
        Duration interval = t.optional("interval").map(YamlNode::duration).orElse(defaultInterval);
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw t.required("interval").error("must be at least 1s");
        }
        Duration timeout = t.optional("query_timeout").map(YamlNode::duration).orElse(defaultTimeout);
        if (timeout.compareTo(interval) >= 0) {
            YamlNode where = t.optional("query_timeout").orElse(t);
            throw where.error("query_timeout (" + timeout + ") must be shorter than interval (" + interval
                    + ") so a slow database cannot overlap its own next cycle");
        }

        Set<String> metrics = new LinkedHashSet<>();
        YamlNode metricsNode = t.optional("metrics").orElse(null);
        if (metricsNode != null) {
            List<YamlNode> names = metricsNode.list();
            List<String> values = metricsNode.stringList();
            for (int i = 0; i < values.size(); i++) {
                if (!type.metrics().contains(values.get(i))) {
                    throw names.get(i).error("'" + values.get(i) + "' is not a " + type.id() + " metric; known: "
                            + new TreeSet<>(type.metrics()));
                }
            }
            metrics.addAll(values);
        }

        Map<String, String> tags = new LinkedHashMap<>(defaultTags);
        t.optional("tags").map(ConfigLoader::tags).ifPresent(tags::putAll);
        tags.put("environment", environment);
        t.optional("tenant").ifPresent(n -> tags.put(Tenants.TAG, tenant(n)));
        // The default tenant is the absence of the tag (Tenants.of): nothing to carry on every metric.
        tags.remove(Tenants.TAG, Tenants.DEFAULT);
        Integer connectionLimit = connectionLimit(t, type);
        TargetOptions options = t.optional("options").map(o -> options(o, type)).orElse(TargetOptions.DEFAULTS);
        return new TargetConfig(type, instanceId, environment, connection, credentials, interval, timeout, metrics,
                tags, t.line(), connectionLimit, options);
    }

    /** SQL Server only: the other collectors read their limit from the server, where it is exact. */
    private static Integer connectionLimit(YamlNode t, DatabaseType type) {
        YamlNode node = t.optional("connection_limit").orElse(null);
        if (node == null) {
            return null;
        }
        if (type != DatabaseType.MSSQL) {
            throw node.error("is for mssql targets only (" + type.id() + " reports its own limit)");
        }
        // SQL Server's own ceiling for 'user connections'.
        return node.intInRange(1, 32_767);
    }

    private static TargetOptions options(YamlNode o, DatabaseType type) {
        o.allowOnly(OPTIONS.get(type));
        TargetOptions d = TargetOptions.DEFAULTS;
        List<String> standbys = o.optional("expected_standbys").map(YamlNode::stringList).orElse(d.expectedStandbys());
        Duration overdue = o.optional("autovacuum_overdue_after").map(YamlNode::duration).orElse(d.autovacuumOverdueAfter());
        // Each statement is a series per cycle: the bound keeps a fleet's cardinality known.
        int top = o.optional("top_statements").map(n -> n.intInRange(0, 50)).orElse(d.topStatements());
        Duration longOp = o.optional("long_running_operation").map(YamlNode::duration).orElse(d.longRunningOperation());
        if (longOp.compareTo(Duration.ofSeconds(1)) < 0) {
            throw o.required("long_running_operation").error("must be at least 1s");
        }
        return new TargetOptions(standbys, overdue, top, longOp);
    }

    private Credentials credentials(YamlNode c, Path baseDir) {
        c.allowOnly(CREDENTIALS);
        String username = c.required("username").string();
        YamlNode envNode = c.optional("password_env").orElse(null);
        YamlNode fileNode = c.optional("password_file").orElse(null);
        if (envNode != null && fileNode != null) {
            throw fileNode.error("give either password_env or password_file, not both");
        }
        SecretRef ref = null;
        YamlNode where = null;
        if (envNode != null) {
            ref = SecretRef.env(envNode.matching(ENV_NAME, "an environment variable name"), env);
            where = envNode;
        } else if (fileNode != null) {
            ref = SecretRef.file(baseDir.resolve(fileNode.string()));
            where = fileNode;
        }
        if (ref != null) {
            try {
                ref.value();
            } catch (IllegalStateException e) {
                throw where.error(e.getMessage());
            }
        }
        return new Credentials(username, ref);
    }

    /** A tenant id (README, "Tenants and the three layers"), or an error naming the line. */
    private static String tenant(YamlNode node) {
        String id = node.string();
        String problem = Tenants.problem(id);
        if (problem != null) {
            throw node.error(problem);
        }
        return id;
    }

    private static Map<String, String> tags(YamlNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.scalarEntries().forEach((k, v) -> {
            if (k.equals("environment")) {
                throw v.error("environment is set by the target's environment field, not a tag");
            }
            if (k.equals(Tenants.TAG)) {
                throw v.error("the tenant is set by the 'tenant' field (of the target or of defaults), not a tag");
            }
            out.put(k, v.string());
        });
        return out;
    }
}
