package com.gds.alerting.collectors.mongodb;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.bson.Document;

import com.gds.alerting.collectors.config.Credentials;
import com.gds.alerting.collectors.config.TargetConfig;
import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.source.Sample;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

/**
 * MongoDB from {@code serverStatus} and {@code replSetGetStatus}: connections, operation counters,
 * global lock queues, WiredTiger cache use, and replication lag of each secondary behind the
 * primary (a standalone server has no replica set and reports none). The user needs the {@code
 * clusterMonitor} role.
 */
public final class MongoCollector implements Collector {

    public static final Set<String> METRICS = Set.of(
            "connections_used", "connections_available", "connections_used_ratio", "opcounters_total",
            "queue_readers", "queue_writers", "wiredtiger_cache_bytes", "wiredtiger_cache_max_bytes",
            "wiredtiger_cache_used_ratio", "wiredtiger_cache_dirty_bytes", "is_primary", "replication_lag_seconds",
            "replica_set_members_unhealthy", "replica_set_member_state", "replica_set_member_serving");

    /**
     * The member states that serve: PRIMARY (1), SECONDARY (2), ARBITER (7). STARTUP (0),
     * RECOVERING (3), STARTUP2 (5), UNKNOWN (6), DOWN (8), ROLLBACK (9) and REMOVED (10) do not,
     * even with {@code health: 1} (the member is reachable, but cannot serve reads or be elected).
     */
    private static final Set<Integer> SERVING_STATES = Set.of(1, 2, 7);
    private static final int PRIMARY = 1;
    private static final int ARBITER = 7;

    /** MongoDB's error code for "not running with --replSet". */
    private static final int NO_REPLICATION_ENABLED = 76;

    private final TargetConfig target;
    private MongoClient client;

    public MongoCollector(TargetConfig target) {
        this.target = target;
    }

    @Override
    public List<Sample> collect() {
        if (client == null) {
            client = MongoClients.create(settings(target));
        }
        MongoClient c = client;
        return collect(command -> c.getDatabase("admin").runCommand(new Document(command, 1)));
    }

    static MongoClientSettings settings(TargetConfig target) {
        int timeoutMs = (int) target.queryTimeout().toMillis();
        MongoClientSettings.Builder b = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(target.connection().get("uri")))
                .applicationName("gds-collector")
                .applyToClusterSettings(s -> s.serverSelectionTimeout(timeoutMs, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                        .readTimeout(timeoutMs, TimeUnit.MILLISECONDS))
                .applyToConnectionPoolSettings(p -> p.maxSize(1));
        Credentials cred = target.credentials();
        if (cred != null) {
            String source = target.connection().getOrDefault("auth_source", "admin");
            String password = cred.passwordValue();
            b.credential(MongoCredential.createCredential(cred.username(), source,
                    password == null ? new char[0] : password.toCharArray()));
        }
        return b.build();
    }

    static List<Sample> collect(MongoSource source) {
        List<Sample> out = new ArrayList<>();
        serverStatus(source.adminCommand("serverStatus"), out);
        Document rs;
        try {
            rs = source.adminCommand("replSetGetStatus");
        } catch (MongoCommandException e) {
            if (e.getErrorCode() == NO_REPLICATION_ENABLED) {
                return out;
            }
            throw e;
        }
        replication(rs, out);
        return out;
    }

    private static void serverStatus(Document s, List<Sample> out) {
        Document conn = s.get("connections", Document.class);
        double current = num(conn, "current");
        double available = num(conn, "available");
        out.add(Sample.of("connections_used", current));
        out.add(Sample.of("connections_available", available));
        out.add(Sample.of("connections_used_ratio", current + available > 0 ? current / (current + available) : 0));
        Document ops = s.get("opcounters", Document.class);
        for (String op : List.of("insert", "query", "update", "delete", "getmore", "command")) {
            out.add(Sample.of("opcounters_total", num(ops, op), "op", op));
        }
        Document queue = s.get("globalLock", Document.class) == null ? null
                : s.get("globalLock", Document.class).get("currentQueue", Document.class);
        if (queue != null) {
            out.add(Sample.of("queue_readers", num(queue, "readers")));
            out.add(Sample.of("queue_writers", num(queue, "writers")));
        }
        Document wt = s.get("wiredTiger", Document.class);
        Document cache = wt == null ? null : wt.get("cache", Document.class);
        if (cache != null) {
            double bytes = num(cache, "bytes currently in the cache");
            double max = num(cache, "maximum bytes configured");
            out.add(Sample.of("wiredtiger_cache_bytes", bytes));
            out.add(Sample.of("wiredtiger_cache_max_bytes", max));
            out.add(Sample.of("wiredtiger_cache_used_ratio", max > 0 ? bytes / max : 0));
            out.add(Sample.of("wiredtiger_cache_dirty_bytes", num(cache, "tracked dirty bytes in the cache")));
        }
    }

    /**
     * Per member: its state (the number, and the name as a tag) and whether it serves; a member
     * counts as unhealthy when it is unreachable or in a state that does not serve. Lag is
     * published for every data-bearing member that is not the primary and has an optime, so a
     * RECOVERING, ROLLBACK or STARTUP2 member (or an unreachable one, from its last known optime)
     * keeps its lag series instead of dropping out of it.
     */
    private static void replication(Document rs, List<Sample> out) {
        List<Document> members = rs.getList("members", Document.class, List.of());
        Date primaryOptime = null;
        Document self = null;
        int unhealthy = 0;
        for (Document m : members) {
            int state = state(m);
            if (state == PRIMARY) {
                primaryOptime = m.getDate("optimeDate");
            }
            if (Boolean.TRUE.equals(m.getBoolean("self"))) {
                self = m;
            }
            boolean serving = num(m, "health") == 1 && SERVING_STATES.contains(state);
            unhealthy += serving ? 0 : 1;
            String name = m.getString("name");
            String stateName = m.getString("stateStr") == null ? "UNKNOWN" : m.getString("stateStr");
            out.add(new Sample("replica_set_member_state", state, Map.of("member", name, "state", stateName), null));
            out.add(Sample.of("replica_set_member_serving", serving ? 1 : 0, "member", name));
        }
        out.add(Sample.of("replica_set_members_unhealthy", unhealthy));
        out.add(Sample.of("is_primary", self != null && state(self) == PRIMARY ? 1 : 0));
        if (primaryOptime == null) {
            return;
        }
        for (Document m : members) {
            int state = state(m);
            if (state != PRIMARY && state != ARBITER && m.getDate("optimeDate") != null) {
                double lag = Math.max(0, (primaryOptime.getTime() - m.getDate("optimeDate").getTime()) / 1000.0);
                out.add(new Sample("replication_lag_seconds", lag, Map.of("member", m.getString("name")), null));
            }
        }
    }

    /** The member's numeric state; -1 when absent. */
    private static int state(Document m) {
        Object v = m.get("state");
        return v instanceof Number n ? n.intValue() : -1;
    }

    private static double num(Document d, String key) {
        if (d == null) {
            return Double.NaN;
        }
        Object v = d.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
