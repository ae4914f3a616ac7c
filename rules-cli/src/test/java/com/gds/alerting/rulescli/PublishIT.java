package com.gds.alerting.rulescli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.serde.InMemorySchemaRegistry;
import com.gds.alerting.kafka.embedded.EmbeddedKafkaBroker;
import com.gds.alerting.rulescli.publish.TopicRules;

/** {@code gds-rules publish} against the in-process broker: the diff, only changes published, idempotent, tombstones. */
class PublishIT {

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    private final String scope = "publish-it-" + UUID.randomUUID();
    private final String registry = InMemorySchemaRegistry.SCHEME + scope;
    private String topic;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.startTemporary();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        broker.close();
    }

    @BeforeEach
    void createTopic() throws Exception {
        topic = "gds.rules." + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1).configs(Map.of("cleanup.policy", "compact")))).all().get();
    }

    private CliRun publish(String... extra) {
        String[] base = {"publish", "--bootstrap", broker.bootstrapServers(), "--registry", registry, "--topic", topic};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    private long records() throws Exception {
        var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        var request = partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
        return admin.listOffsets(request).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    private Map<String, Rule> onTopic() {
        return TopicRules.read(broker.bootstrapServers(), topic, Map.of("schema.registry.url", registry), Duration.ofSeconds(30),
                new PrintWriter(new StringWriter()));
    }

    private Path rules(String name, String... ids) {
        StringBuilder b = new StringBuilder("rules:\n");
        for (String id : ids) {
            b.append("  - id: ").append(id).append("\n    metric: up\n    severities: {critical: '< 1'}\n    for: 1m\n");
        }
        return CliRun.write(dir, name, b.toString());
    }

    @Test
    void publishesTheDiffOnlyAndIsIdempotent() throws Exception {
        Path a = rules("a.yaml", "db-down", "db-down-2");
        Path b = rules("b.yaml", "db-down-3");

        CliRun first = publish(a.toString(), b.toString());
        assertEquals(0, first.exit(), first.toString());
        assertTrue(first.out().contains("Diff against " + topic + ": 3 added, 0 changed, 0 removed, 0 unchanged"), first.out());
        assertTrue(first.out().contains("  + db-down   (" + a + ":2)"), first.out());
        assertEquals(3, records());
        assertEquals(60_000L, onTopic().get("db-down").getForMs());

        CliRun second = publish(a.toString(), b.toString());
        assertEquals(0, second.exit(), second.toString());
        assertTrue(second.out().contains("Nothing to publish: " + topic + " already holds these 3 rules."), second.out());
        assertEquals(3, records(), "publishing the same files twice writes nothing");

        CliRun.write(dir, "a.yaml", """
                rules:
                  - id: db-down
                    metric: up
                    severities: {critical: '< 1'}
                    for: 5m
                    labels: {team: dba}
                """);
        CliRun third = publish(a.toString(), b.toString());
        assertEquals(0, third.exit(), third.toString());
        assertTrue(third.out().contains("Diff against " + topic + ": 0 added, 1 changed, 1 removed, 1 unchanged"), third.out());
        assertTrue(third.out().contains("  ~ db-down"), third.out());
        assertTrue(third.out().contains("      for_ms: 60000 -> 300000"), third.out());
        assertTrue(third.out().contains("      labels: {} -> {team=dba}"), third.out());
        assertTrue(third.out().contains("  - db-down-2   (not in any file: tombstone)"), third.out());
        assertEquals(5, records(), "one changed rule and one tombstone");
        Map<String, Rule> now = onTopic();
        assertEquals(Map.of("team", "dba"), now.get("db-down").getLabels());
        assertNull(now.get("db-down-2"));
        assertEquals(2, now.size());
    }

    /** The shadow loop on a real topic: candidate as shadow, a plain publish keeps it, promotion drops it. */
    @Test
    void shadowCandidatesArePublishedBesideTheLiveRulesAndDroppedOnPromotion() throws Exception {
        Path live = rules("live.yaml", "db-down", "db-slow");
        assertEquals(0, publish(live.toString()).exit());
        Path candidate = CliRun.write(dir, "candidate.yaml", """
                rules:
                  - id: db-down
                    metric: up
                    severities: {critical: '< 1'}
                    for: 30s
                """);

        CliRun shadow = publish("--shadow", candidate.toString());
        assertEquals(0, shadow.exit(), shadow.toString());
        assertTrue(shadow.out().contains("1 added, 0 changed, 0 removed"), "live rules are not in scope: " + shadow.out());
        Map<String, Rule> now = onTopic();
        assertEquals(3, now.size());
        Rule s = now.get("db-down.shadow");
        assertTrue(s.getShadow());
        assertEquals("db-down", s.getShadowOf());
        assertEquals(30_000L, s.getForMs());
        assertEquals(60_000L, now.get("db-down").getForMs(), "the live rule is untouched");

        CliRun plain = publish(live.toString());
        assertTrue(plain.out().contains("Nothing to publish"), "a plain publish keeps the experiment: " + plain.out());
        assertTrue(onTopic().containsKey("db-down.shadow"));

        Path promoted = CliRun.write(dir, "live.yaml", """
                rules:
                  - id: db-down
                    metric: up
                    severities: {critical: '< 1'}
                    for: 30s
                  - id: db-slow
                    metric: up
                    severities: {critical: '< 1'}
                    for: 1m
                """);
        CliRun promote = publish("--drop-shadows", promoted.toString());
        assertEquals(0, promote.exit(), promote.toString());
        assertTrue(promote.out().contains("0 added, 1 changed, 1 removed"), promote.out());
        now = onTopic();
        assertEquals(30_000L, now.get("db-down").getForMs());
        assertFalse(now.get("db-down").getShadow());
        assertNull(now.get("db-down.shadow"), "the shadow served and is gone");
    }

    @Test
    void dryRunAndNoDeletePublishNothingTheyShouldNot() throws Exception {
        Path a = rules("a.yaml", "x", "y");
        assertEquals(0, publish(a.toString()).exit());
        Path fewer = rules("fewer.yaml", "x");

        CliRun dry = publish("--dry-run", fewer.toString());
        CliRun keep = publish("--no-delete", fewer.toString());

        assertEquals(0, dry.exit(), dry.toString());
        assertTrue(dry.out().contains("  - y   (not in any file: tombstone)") && dry.out().contains("Dry run: nothing published."),
                dry.out());
        assertEquals(0, keep.exit(), keep.toString());
        assertTrue(keep.out().contains("Nothing to publish"), keep.out());
        assertEquals(2, records());
    }

    @Test
    void refusesToPublishAnythingWhenAnyFileIsInvalid() throws Exception {
        Path good = rules("good.yaml", "fine");
        Path bad = CliRun.write(dir, "bad.yaml", "rules:\n  - id: broken\n    metric: up\n    severities: {critical: '< 1'}\n"
                + "    for: soon\n");

        CliRun run = publish(good.toString(), bad.toString());

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains(bad + ":5:10: error: 'for': 'soon' is not a duration"), run.out());
        assertTrue(run.out().contains("Nothing published"), run.out());
        assertEquals(0, records());
    }

    @Test
    void aMissingTopicIsAClearFailure() {
        Path a = rules("a.yaml", "x");
        CliRun run = CliRun.of("publish", "--bootstrap", broker.bootstrapServers(), "--registry", registry,
                "--topic", "no-such-topic", "--timeout", "5s", a.toString());

        assertEquals(GdsRules.EXIT_FAILURE, run.exit(), run.toString());
        assertTrue(run.err().contains("topic 'no-such-topic' does not exist"), run.err());
    }
}
