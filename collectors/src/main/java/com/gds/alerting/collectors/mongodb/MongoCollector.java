package com.gds.alerting.collectors.mongodb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.bson.BsonTimestamp;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.gds.alerting.collectors.config.Credentials;
import com.gds.alerting.collectors.config.TargetConfig;
import com.gds.alerting.collectors.mongodb.MongoPrivileges.Need;
import com.gds.alerting.collectors.source.Collector;
import com.gds.alerting.collectors.source.Sample;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

/**
 * MongoDB from {@code serverStatus}, {@code replSetGetStatus}, {@code currentOp} and the oplog:
 * connections, operation counters, global lock queues, WiredTiger cache use and read/write tickets,
 * long-running operations, each member's state, health and replication lag behind the primary,
 * elections and primary changes, and the oplog window (a standalone server has no replica set and
 * reports none of those).
 *
 * <p>The user needs {@code clusterMonitor}, and {@code read} on database {@code local} for the oplog
 * window. What it holds is read from {@code connectionStatus} every cycle: a figure whose privilege
 * is missing is not published at all (without {@code inprog}, {@code currentOp} would show the
 * user's own operations only: a silently partial figure), {@code collector_permission_ok} says so
 * with a {@code missing} tag, and one WARN line names the user and the grant.
 */
public final class MongoCollector implements Collector {

    private static final Logger LOG = LoggerFactory.getLogger(MongoCollector.class);

    public static final Set<String> METRICS = Set.of(
            "connections_used", "connections_available", "connections_used_ratio", "opcounters_total",
            "queue_readers", "queue_writers", "wiredtiger_cache_bytes", "wiredtiger_cache_max_bytes",
            "wiredtiger_cache_used_ratio", "wiredtiger_cache_dirty_bytes", "is_primary", "replication_lag_seconds",
            "replica_set_members_unhealthy", "replica_set_member_state", "replica_set_member_serving",
            "replica_set_member_health", "replica_set_has_primary", "replica_set_term", "primary_changed",
            "wiredtiger_tickets_available", "wiredtiger_tickets_out", "wiredtiger_tickets_total",
            "operations_long_running", "operation_longest_seconds", "oplog_window_seconds",
            "collector_permission_ok");

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

    /** Operations shorter than this are not even returned by {@code currentOp}: they cannot be the longest worth a look. */
    private static final int CURRENT_OP_MIN_SECONDS = 1;

    private final TargetConfig target;
    private final String name;
    private final Duration longRunning;
    private final PrimaryTracker primaries = new PrimaryTracker();
    private String lastMissing;
    private MongoClient client;

    public MongoCollector(TargetConfig target) {
        this(target, target.instanceId(), target.options().longRunningOperation());
    }

    /**
     * @param name        how the target is named in the log
     * @param longRunning an operation running at least this long counts as long-running
     */
    MongoCollector(TargetConfig target, String name, Duration longRunning) {
        this.target = target;
        this.name = name;
        this.longRunning = longRunning;
    }

    @Override
    public List<Sample> collect() {
        if (client == null) {
            client = MongoClients.create(settings(target));
        }
        MongoClient c = client;
        return collect((db, command) -> c.getDatabase(db).runCommand(command));
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

    /** One cycle's samples read through {@code source}. */
    List<Sample> collect(MongoSource source) {
        List<Sample> out = new ArrayList<>();
        Document status = source.command("admin", new Document("connectionStatus", 1).append("showPrivileges", true));
        MongoPrivileges privileges = MongoPrivileges.from(status);
        permission(privileges, user(status), out);
        if (privileges.has(Need.SERVER_STATUS)) {
            serverStatus(source.adminCommand("serverStatus"), out);
        }
        if (privileges.has(Need.CURRENT_OP)) {
            operations(source.command("admin", new Document("currentOp", 1).append("active", true)
                    .append("secs_running", new Document("$gte", CURRENT_OP_MIN_SECONDS))), out);
        }
        if (!privileges.has(Need.REPL_SET_STATUS)) {
            return out;
        }
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
        if (privileges.has(Need.OPLOG)) {
            oplogWindow(source, out);
        }
        return out;
    }

    private void permission(MongoPrivileges privileges, String user, List<Sample> out) {
        String missing = privileges.missing();
        out.add(missing.isEmpty() ? Sample.of("collector_permission_ok", 1)
                : Sample.of("collector_permission_ok", 0, "missing", missing));
        if (!missing.equals(lastMissing)) {
            if (!missing.isEmpty()) {
                LOG.warn("{}: user '{}' lacks {}; the figures it cannot see whole are not published until it is granted "
                        + "(clusterMonitor: serverStatus, replSetGetStatus, every user's operations in currentOp; "
                        + "read@local: the oplog window): db.getSiblingDB('admin').grantRolesToUser('{}', [{}])",
                        name, user, missing, user, grants(missing));
            } else if (lastMissing != null) {
                LOG.info("{}: user '{}' now holds every privilege the collector needs; every figure is published again",
                        name, user);
            }
            lastMissing = missing;
        }
    }

    private static String grants(String missing) {
        List<String> roles = new ArrayList<>();
        for (String grant : missing.split(",")) {
            String[] roleDb = grant.split("@");
            roles.add("{role: '" + roleDb[0] + "', db: '" + (roleDb.length > 1 ? roleDb[1] : "admin") + "'}");
        }
        return String.join(", ", roles);
    }

    private static String user(Document connectionStatus) {
        Document auth = connectionStatus.get("authInfo", Document.class);
        List<Document> users = auth == null ? List.of() : auth.getList("authenticatedUsers", Document.class, List.of());
        return users.isEmpty() ? "(none)" : users.get(0).getString("user") + "@" + users.get(0).getString("db");
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
        tickets(s, out);
    }

    /**
     * Read and write tickets: how many operations may be inside the storage engine at once, and how
     * many more may enter now. 7.0 moved them to {@code queues.execution} (and sizes them
     * dynamically); before, {@code wiredTiger.concurrentTransactions}.
     */
    private static void tickets(Document s, List<Sample> out) {
        Document queues = s.get("queues", Document.class);
        Document tickets = queues == null ? null : queues.get("execution", Document.class);
        if (tickets == null) {
            Document wt = s.get("wiredTiger", Document.class);
            tickets = wt == null ? null : wt.get("concurrentTransactions", Document.class);
        }
        if (tickets == null) {
            return;
        }
        for (String op : List.of("read", "write")) {
            Document t = tickets.get(op, Document.class);
            if (t != null) {
                out.add(Sample.of("wiredtiger_tickets_available", num(t, "available"), "op", op));
                out.add(Sample.of("wiredtiger_tickets_out", num(t, "out"), "op", op));
                out.add(Sample.of("wiredtiger_tickets_total", num(t, "totalTickets"), "op", op));
            }
        }
    }

    /**
     * Client operations running for at least {@link #longRunning}: how many, and the longest
     * (with its namespace and operation as tags). Not counted: internal threads (no client),
     * idle operations, and tailable cursors waiting for data (replication reading the oplog,
     * change streams), which are long by design.
     */
    private void operations(Document currentOp, List<Sample> out) {
        int count = 0;
        Document longest = null;
        for (Document op : currentOp.getList("inprog", Document.class, List.of())) {
            boolean client = op.containsKey("client") || op.containsKey("client_s");
            Document cursor = op.get("cursor", Document.class);
            boolean tailable = cursor != null && Boolean.TRUE.equals(cursor.getBoolean("tailable"));
            if (!client || tailable || "none".equals(op.getString("op")) || "local.oplog.rs".equals(op.getString("ns"))) {
                continue;
            }
            double secs = num(op, "secs_running");
            if (Double.isNaN(secs)) {
                continue;
            }
            if (secs >= longRunning.toSeconds()) {
                count++;
            }
            if (longest == null || secs > num(longest, "secs_running")) {
                longest = op;
            }
        }
        out.add(Sample.of("operations_long_running", count));
        if (longest == null) {
            out.add(Sample.of("operation_longest_seconds", 0));
        } else {
            out.add(new Sample("operation_longest_seconds", num(longest, "secs_running"),
                    Map.of("ns", String.valueOf(longest.getString("ns")), "op", String.valueOf(longest.getString("op"))), null));
        }
    }

    /**
     * How far back the oplog reaches: the time between its first and last entries. A member that
     * is down for longer cannot catch up and needs a full resync.
     */
    private static void oplogWindow(MongoSource source, List<Sample> out) {
        BsonTimestamp first = oplogEntry(source, 1);
        BsonTimestamp last = oplogEntry(source, -1);
        if (first != null && last != null) {
            out.add(Sample.of("oplog_window_seconds", Math.max(0, last.getTime() - first.getTime())));
        }
    }

    private static BsonTimestamp oplogEntry(MongoSource source, int direction) {
        Document reply = source.command("local", new Document("find", "oplog.rs")
                .append("sort", new Document("$natural", direction)).append("limit", 1)
                .append("projection", new Document("ts", 1).append("_id", 0)).append("singleBatch", true));
        Document cursor = reply.get("cursor", Document.class);
        List<Document> batch = cursor == null ? List.of() : cursor.getList("firstBatch", Document.class, List.of());
        return batch.isEmpty() || !(batch.get(0).get("ts") instanceof BsonTimestamp ts) ? null : ts;
    }

    /**
     * Per member: its state (the number, and the name as a tag) and whether it serves; a member
     * counts as unhealthy when it is unreachable or in a state that does not serve. Lag is
     * published for every data-bearing member that is not the primary and has an optime, so a
     * RECOVERING, ROLLBACK or STARTUP2 member (or an unreachable one, from its last known optime)
     * keeps its lag series instead of dropping out of it.
     */
    private void replication(Document rs, List<Sample> out) {
        List<Document> members = rs.getList("members", Document.class, List.of());
        Date primaryOptime = null;
        String primary = null;
        Document self = null;
        int unhealthy = 0;
        for (Document m : members) {
            int state = state(m);
            if (state == PRIMARY) {
                primaryOptime = m.getDate("optimeDate");
                primary = m.getString("name");
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
            out.add(Sample.of("replica_set_member_health", num(m, "health"), "member", name));
        }
        out.add(Sample.of("replica_set_members_unhealthy", unhealthy));
        out.add(Sample.of("is_primary", self != null && state(self) == PRIMARY ? 1 : 0));
        out.add(Sample.of("replica_set_has_primary", primary != null ? 1 : 0));
        Long term = rs.get("term") instanceof Number n ? n.longValue() : null;
        if (term != null) {
            out.add(Sample.of("replica_set_term", term));
        }
        String now = primary;
        primaries.changed(term, primary).ifPresent(changed -> {
            out.add(Sample.of("primary_changed", changed ? 1 : 0));
            if (changed) {
                LOG.warn("{}: an election was held (term {}), primary now {}", name, term, now == null ? "none" : now);
            }
        });
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
