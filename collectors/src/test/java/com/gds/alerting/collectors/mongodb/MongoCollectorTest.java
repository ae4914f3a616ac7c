package com.gds.alerting.collectors.mongodb;

import static com.gds.alerting.collectors.SampleAssertions.sample;
import static com.gds.alerting.collectors.SampleAssertions.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import com.gds.alerting.collectors.RecordedAnswers;
import com.gds.alerting.collectors.source.Sample;
import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;

/** Mapping only, from recorded command replies: no MongoDB runs here. */
class MongoCollectorTest {

    private static final Document STATUS = recorded("mongodb-serverStatus.json");
    private static final Document REPL = recorded("mongodb-replSetGetStatus.json");

    private static Document recorded(String file) {
        return Document.parse(RecordedAnswers.text(file));
    }

    /**
     * A server answering from recordings: each command by its name (and, for {@code find}, the
     * sort direction, which tells the oplog's first entry from its last). Every command the
     * collector sends is remembered, so a test can say which it did not send.
     */
    private static final class RecordedServer implements MongoSource {
        final Map<String, Object> answers = new HashMap<>();
        final List<String> sent = new ArrayList<>();

        RecordedServer() {
            answers.put("connectionStatus", recorded("mongodb-connectionStatus-clusterMonitor.json"));
            answers.put("serverStatus", STATUS);
            answers.put("replSetGetStatus", REPL);
            answers.put("currentOp", recorded("mongodb-currentOp.json"));
            answers.put("find+1", recorded("mongodb-oplog-first.json"));
            answers.put("find-1", recorded("mongodb-oplog-last.json"));
        }

        RecordedServer with(String command, Object answer) {
            answers.put(command, answer);
            return this;
        }

        @Override
        public Document command(String database, Document command) {
            String name = command.keySet().iterator().next();
            String key = name.equals("find")
                    ? "find" + (command.get("sort", Document.class).getInteger("$natural") > 0 ? "+1" : "-1") : name;
            if (name.equals("find")) {
                assertEquals("local", database, "the oplog lives in local");
                assertEquals("oplog.rs", command.getString("find"));
            } else {
                assertEquals("admin", database);
            }
            sent.add(key);
            Object answer = answers.get(key);
            if (answer instanceof RuntimeException e) {
                throw e;
            }
            if (answer == null) {
                throw new AssertionError("no recorded answer for " + command.toJson());
            }
            return (Document) answer;
        }
    }

    private static MongoCollector collector() {
        return new MongoCollector(null, "mongo-prod-01", Duration.ofSeconds(60));
    }

    private static List<Sample> collectOnce(RecordedServer server) {
        return collector().collect(server);
    }

    @Test
    void serverStatusGivesConnectionsOpcountersQueuesAndCache() {
        List<Sample> s = collectOnce(new RecordedServer());
        assertEquals(180, value(s, "connections_used"));
        assertEquals(180.0 / 818, value(s, "connections_used_ratio"), 1e-12);
        assertEquals(8812931, value(s, "opcounters_total", "op", "query"));
        assertEquals(5, value(s, "queue_readers"));
        assertEquals(0.75, value(s, "wiredtiger_cache_used_ratio"));
        assertEquals(104857600, value(s, "wiredtiger_cache_dirty_bytes"));
    }

    @Test
    void readAndWriteTicketsComeFromQueuesExecutionSince70AndFromConcurrentTransactionsBefore() {
        List<Sample> s70 = collectOnce(new RecordedServer());
        assertEquals(0, value(s70, "wiredtiger_tickets_available", "op", "write"), "every write ticket is out: writes queue");
        assertEquals(2, value(s70, "wiredtiger_tickets_out", "op", "write"));
        assertEquals(121, value(s70, "wiredtiger_tickets_available", "op", "read"));
        assertEquals(128, value(s70, "wiredtiger_tickets_total", "op", "read"));

        Document status60 = Document.parse(STATUS.toJson());
        status60.remove("queues");
        status60.get("wiredTiger", Document.class).append("concurrentTransactions", Document.parse(
                "{write: {out: 128, available: 0, totalTickets: 128}, read: {out: 3, available: 125, totalTickets: 128}}"));
        List<Sample> s60 = collectOnce(new RecordedServer().with("serverStatus", status60));
        assertEquals(0, value(s60, "wiredtiger_tickets_available", "op", "write"));
        assertEquals(125, value(s60, "wiredtiger_tickets_available", "op", "read"));
        assertEquals(128, value(s60, "wiredtiger_tickets_total", "op", "write"));
    }

    @Test
    void eachSecondaryLagsBehindThePrimarysOptime() {
        List<Sample> s = collectOnce(new RecordedServer());
        assertEquals(2, value(s, "replication_lag_seconds", "member", "mongo-b:27017"));
        assertEquals(45, value(s, "replication_lag_seconds", "member", "mongo-d:27017"));
        assertEquals(1, value(s, "is_primary"));
        assertTrue(MongoCollector.METRICS.containsAll(s.stream().map(Sample::name).toList()));
    }

    @Test
    void membersReachableButNotServingAreReportedAsWhatTheyAreAndKeepTheirLag() {
        List<Sample> s = collectOnce(new RecordedServer());
        // Unreachable (mongo-c), RECOVERING (e), ROLLBACK (f), STARTUP2 (g): four; the arbiter serves.
        assertEquals(4, value(s, "replica_set_members_unhealthy"));
        assertEquals(3, value(s, "replica_set_member_state", "member", "mongo-e:27017"));
        assertEquals(1, s.stream().filter(x -> x.name().equals("replica_set_member_state")
                && "RECOVERING".equals(x.tags().get("state"))).count());
        assertEquals(0, value(s, "replica_set_member_serving", "member", "mongo-e:27017"));
        assertEquals(0, value(s, "replica_set_member_serving", "member", "mongo-f:27017"));
        assertEquals(1, value(s, "replica_set_member_serving", "member", "mongo-h:27017"), "an arbiter serves its purpose");
        assertEquals(1, value(s, "replica_set_member_serving", "member", "mongo-b:27017"));
        assertEquals(1200, value(s, "replication_lag_seconds", "member", "mongo-e:27017"), "RECOVERING keeps its lag series");
        assertEquals(30, value(s, "replication_lag_seconds", "member", "mongo-f:27017"));
        assertEquals(150, value(s, "replication_lag_seconds", "member", "mongo-c:27017"), "unreachable: from its last optime");
        assertTrue(s.stream().noneMatch(x -> x.name().equals("replication_lag_seconds")
                && "mongo-h:27017".equals(x.tags().get("member"))), "an arbiter holds no data");
    }

    @Test
    void eachMembersHealthIsItsOwnSeriesRecoveringIsReachableButNotServing() {
        List<Sample> s = collectOnce(new RecordedServer());
        assertEquals(0, value(s, "replica_set_member_health", "member", "mongo-c:27017"), "unreachable");
        assertEquals(1, value(s, "replica_set_member_health", "member", "mongo-e:27017"), "RECOVERING answers heartbeats");
        assertEquals(0, value(s, "replica_set_member_serving", "member", "mongo-e:27017"), "... but serves nothing");
        assertEquals(8, s.stream().filter(x -> x.name().equals("replica_set_member_health")).count(), "one per member");
        assertEquals(1, value(s, "replica_set_has_primary"));
        assertEquals(7, value(s, "replica_set_term"));
    }

    @Test
    void anElectionIsReportedOnceInTheCycleThatSeesItAndNotOnTheFirstCycle() {
        MongoCollector collector = collector();
        RecordedServer server = new RecordedServer();
        List<Sample> first = collector.collect(server);
        assertTrue(first.stream().noneMatch(x -> x.name().equals("primary_changed")), "nothing to compare with yet");
        assertEquals(0, value(collector.collect(server), "primary_changed"), "same term, same primary");

        server.with("replSetGetStatus", recorded("mongodb-replSetGetStatus-after-election.json"));
        List<Sample> elected = collector.collect(server);
        assertEquals(1, value(elected, "primary_changed"), "term 7 -> 8, primary mongo-a -> mongo-b");
        assertEquals(8, value(elected, "replica_set_term"));
        assertEquals(0, value(elected, "is_primary"), "this member stepped down");
        assertEquals(1, value(elected, "replica_set_member_state", "member", "mongo-b:27017"));
        assertEquals(0, value(collector.collect(server), "primary_changed"), "and only then");
    }

    @Test
    void aReplicaSetWithoutPrimarySaysSoAndTheElectionThatEndsItCounts() {
        MongoCollector collector = collector();
        RecordedServer server = new RecordedServer().with("replSetGetStatus", recorded("mongodb-replSetGetStatus.json"));
        collector.collect(server);
        server.with("replSetGetStatus", recorded("mongodb-replSetGetStatus-no-primary.json"));
        List<Sample> none = collector.collect(server);
        assertEquals(0, value(none, "replica_set_has_primary"));
        assertEquals(1, value(none, "primary_changed"), "the term grew 7 -> 8: an election was called");
        assertTrue(none.stream().noneMatch(x -> x.name().equals("replication_lag_seconds")), "no primary to lag behind");
        server.with("replSetGetStatus", recorded("mongodb-replSetGetStatus-after-election.json"));
        List<Sample> elected = collector.collect(server);
        assertEquals(1, value(elected, "replica_set_has_primary"));
        assertEquals(1, value(elected, "primary_changed"), "mongo-b is primary where mongo-a was");
    }

    @Test
    void theOplogWindowIsTheTimeBetweenItsFirstAndLastEntries() {
        RecordedServer server = new RecordedServer();
        List<Sample> s = collectOnce(server);
        assertEquals(25 * 3600, value(s, "oplog_window_seconds"), "2026-11-20T09:00:30Z to 2026-11-21T10:00:30Z");
        assertTrue(server.sent.containsAll(List.of("find+1", "find-1")));
    }

    @Test
    void longRunningOperationsAreClientOperationsOverTheLimitNotInternalThreadsOrTailingCursors() {
        List<Sample> s = collectOnce(new RecordedServer());
        // 412 s aggregate and 75 s update; not the 5 s query, the TTL monitor (no client, op none),
        // the secondary's oplog fetcher, nor a change stream's hour-old awaitData getMore.
        assertEquals(2, value(s, "operations_long_running"));
        Sample longest = sample(s, "operation_longest_seconds", "ns", "orders.orders");
        assertEquals(412, longest.value());
        assertEquals("command", longest.tags().get("op"));

        List<Sample> strict = new MongoCollector(null, "m", Duration.ofSeconds(500)).collect(new RecordedServer());
        assertEquals(0, value(strict, "operations_long_running"), "the limit is the target's option");
        assertEquals(412, sample(strict, "operation_longest_seconds", "ns", "orders.orders").value());

        List<Sample> idle = collectOnce(new RecordedServer().with("currentOp", Document.parse("{inprog: [], ok: 1}")));
        assertEquals(0, value(idle, "operations_long_running"));
        assertEquals(0, value(idle, "operation_longest_seconds"));
    }

    @Test
    void withEveryPrivilegeThePermissionIsOkAndEveryFigureIsPublished() {
        RecordedServer server = new RecordedServer();
        List<Sample> s = collectOnce(server);
        assertEquals(1, value(s, "collector_permission_ok"));
        Set<String> names = s.stream().map(Sample::name).collect(Collectors.toSet());
        Set<String> expected = new java.util.HashSet<>(MongoCollector.METRICS);
        expected.remove("primary_changed"); // needs a previous cycle
        assertEquals(expected, names);
    }

    @Test
    void aUserWithoutClusterMonitorGetsNoPartialFigureAPermissionMetricAndOneWarning() {
        Logger logger = (Logger) LoggerFactory.getLogger(MongoCollector.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            MongoCollector collector = collector();
            RecordedServer server = new RecordedServer()
                    .with("connectionStatus", recorded("mongodb-connectionStatus-readWrite-only.json"));
            List<Sample> s = collector.collect(server);
            collector.collect(server);

            assertEquals(0, value(s, "collector_permission_ok", "missing", "clusterMonitor,read@local"));
            assertEquals(List.of("connectionStatus"), server.sent.subList(0, 1));
            assertEquals(Set.of("connectionStatus"), Set.copyOf(server.sent),
                    "currentOp would show only the user's own operations: not even asked");
            assertEquals(Set.of("collector_permission_ok"), s.stream().map(Sample::name).collect(Collectors.toSet()));
            List<String> warnings = logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warnings.size(), "logged once, not every cycle: " + warnings);
            assertTrue(warnings.get(0).contains("mongo-prod-01") && warnings.get(0).contains("'app@admin'")
                    && warnings.get(0).contains("grantRolesToUser('app@admin', [{role: 'clusterMonitor', db: 'admin'}, "
                    + "{role: 'read', db: 'local'}])"), warnings.get(0));

            server.with("connectionStatus", recorded("mongodb-connectionStatus-clusterMonitor.json"));
            List<Sample> granted = collector.collect(server);
            assertEquals(1, value(granted, "collector_permission_ok"));
            assertEquals(2, value(granted, "operations_long_running"));
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void clusterMonitorWithoutReadOnLocalLosesOnlyTheOplogWindow() {
        Document status = recorded("mongodb-connectionStatus-clusterMonitor.json");
        List<Document> privileges = status.get("authInfo", Document.class).getList("authenticatedUserPrivileges", Document.class);
        privileges.removeIf(p -> "local".equals(p.get("resource", Document.class).getString("db"))
                && "".equals(p.get("resource", Document.class).getString("collection")));
        RecordedServer server = new RecordedServer().with("connectionStatus", status);
        List<Sample> s = collectOnce(server);
        assertEquals(0, value(s, "collector_permission_ok", "missing", "read@local"));
        assertFalse(server.sent.contains("find+1"), "the oplog is not read");
        assertTrue(s.stream().noneMatch(x -> x.name().equals("oplog_window_seconds")));
        assertEquals(2, value(s, "operations_long_running"));
        assertEquals(4, value(s, "replica_set_members_unhealthy"));
    }

    @Test
    void aServerWithoutAccessControlAllowsEverything() {
        List<Sample> s = collectOnce(new RecordedServer()
                .with("connectionStatus", recorded("mongodb-connectionStatus-no-access-control.json")));
        assertEquals(1, value(s, "collector_permission_ok"));
        assertEquals(25 * 3600, value(s, "oplog_window_seconds"));
    }

    @Test
    void aStandaloneServerHasNoReplicationMetrics() {
        MongoCommandException notReplSet = new MongoCommandException(
                BsonDocument.parse("{ok: 0, errmsg: 'not running with --replSet', code: 76, codeName: 'NoReplicationEnabled'}"),
                new ServerAddress("mongo-a"));
        RecordedServer server = new RecordedServer().with("replSetGetStatus", notReplSet);
        List<Sample> s = collectOnce(server);
        assertTrue(s.stream().noneMatch(x -> x.name().equals("replication_lag_seconds") || x.name().equals("is_primary")
                || x.name().equals("oplog_window_seconds")));
        assertFalse(server.sent.contains("find+1"), "a standalone has no oplog");
        assertEquals(180, value(s, "connections_used"));
    }
}
