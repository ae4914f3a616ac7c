package com.gds.alerting.collectors.mongodb;

import static com.gds.alerting.collectors.SampleAssertions.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.gds.alerting.collectors.RecordedAnswers;
import com.gds.alerting.collectors.source.Sample;
import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;

/** Mapping only, from recorded command replies: no MongoDB runs here. */
class MongoCollectorTest {

    private static final Document STATUS = Document.parse(RecordedAnswers.text("mongodb-serverStatus.json"));
    private static final Document REPL = Document.parse(RecordedAnswers.text("mongodb-replSetGetStatus.json"));

    @Test
    void serverStatusGivesConnectionsOpcountersQueuesAndCache() {
        List<Sample> s = MongoCollector.collect(cmd -> cmd.equals("serverStatus") ? STATUS : REPL);
        assertEquals(180, value(s, "connections_used"));
        assertEquals(180.0 / 818, value(s, "connections_used_ratio"), 1e-12);
        assertEquals(8812931, value(s, "opcounters_total", "op", "query"));
        assertEquals(5, value(s, "queue_readers"));
        assertEquals(0.75, value(s, "wiredtiger_cache_used_ratio"));
        assertEquals(104857600, value(s, "wiredtiger_cache_dirty_bytes"));
    }

    @Test
    void eachSecondaryLagsBehindThePrimarysOptime() {
        List<Sample> s = MongoCollector.collect(cmd -> cmd.equals("serverStatus") ? STATUS : REPL);
        assertEquals(2, value(s, "replication_lag_seconds", "member", "mongo-b:27017"));
        assertEquals(45, value(s, "replication_lag_seconds", "member", "mongo-d:27017"));
        assertEquals(1, value(s, "is_primary"));
        assertTrue(MongoCollector.METRICS.containsAll(s.stream().map(Sample::name).toList()));
    }

    @Test
    void membersReachableButNotServingAreReportedAsWhatTheyAreAndKeepTheirLag() {
        List<Sample> s = MongoCollector.collect(cmd -> cmd.equals("serverStatus") ? STATUS : REPL);
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
    void aStandaloneServerHasNoReplicationMetrics() {
        MongoCommandException notReplSet = new MongoCommandException(
                BsonDocument.parse("{ok: 0, errmsg: 'not running with --replSet', code: 76, codeName: 'NoReplicationEnabled'}"),
                new ServerAddress("mongo-a"));
        List<Sample> s = MongoCollector.collect(cmd -> {
            if (cmd.equals("replSetGetStatus")) {
                throw notReplSet;
            }
            return STATUS;
        });
        assertTrue(s.stream().noneMatch(x -> x.name().equals("replication_lag_seconds") || x.name().equals("is_primary")));
        assertEquals(180, value(s, "connections_used"));
    }
}
