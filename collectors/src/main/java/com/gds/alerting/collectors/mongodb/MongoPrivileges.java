package com.gds.alerting.collectors.mongodb;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.bson.Document;

/**
 * What the monitoring user may read, from {@code connectionStatus} with {@code showPrivileges}.
 * Without {@code clusterMonitor} {@code serverStatus} and {@code replSetGetStatus} are refused and,
 * worse, {@code currentOp} shows the user's own operations only: a long-running-operation figure
 * would be silently partial. So each group of figures is read only when its privilege is held.
 *
 * <p>A server without access control answers with no authenticated user and no privilege: then
 * everything is allowed (a command that still fails reports {@code up = 0} as before).
 */
record MongoPrivileges(Set<Need> held) {

    /** A privilege a group of figures needs, and the grant that gives it. */
    enum Need {
        /** {@code serverStatus} on the cluster: connections, operation counters, queues, cache, tickets. */
        SERVER_STATUS("serverStatus", null, null, "clusterMonitor"),
        /** {@code replSetGetStatus} on the cluster: members, lag, term, primary. */
        REPL_SET_STATUS("replSetGetStatus", null, null, "clusterMonitor"),
        /** {@code inprog} on the cluster: every user's operations in {@code currentOp}, not only one's own. */
        CURRENT_OP("inprog", null, null, "clusterMonitor"),
        /** {@code find} on {@code local.oplog.rs}: the oplog window. {@code clusterMonitor} does not give it. */
        OPLOG("find", "local", "oplog.rs", "read@local");

        private final String action;
        private final String db;
        private final String collection;
        private final String grant;

        Need(String action, String db, String collection, String grant) {
            this.action = action;
            this.db = db;
            this.collection = collection;
            this.grant = grant;
        }

        /** The role that gives it: {@code clusterMonitor}, or {@code read@local} (role read on database local). */
        String grant() {
            return grant;
        }

        boolean grantedBy(Document privilege) {
            Document resource = privilege.get("resource", Document.class);
            List<String> actions = privilege.getList("actions", String.class, List.of());
            if (resource == null || !(actions.contains(action) || actions.contains("anyAction"))) {
                return false;
            }
            if (Boolean.TRUE.equals(resource.getBoolean("anyResource"))) {
                return true;
            }
            if (db == null) {
                return Boolean.TRUE.equals(resource.getBoolean("cluster"));
            }
            // {db: "", collection: ""} is every database; {db: "local", collection: ""} every collection of local.
            String rdb = resource.getString("db");
            String rcoll = resource.getString("collection");
            return rdb != null && rcoll != null && (rdb.isEmpty() || rdb.equals(db))
                    && (rcoll.isEmpty() || rcoll.equals(collection));
        }
    }

    static MongoPrivileges all() {
        return new MongoPrivileges(EnumSet.allOf(Need.class));
    }

    /** Reads a {@code connectionStatus} reply (with {@code showPrivileges: true}). */
    static MongoPrivileges from(Document connectionStatus) {
        Document auth = connectionStatus.get("authInfo", Document.class);
        List<Document> users = auth == null ? List.of() : auth.getList("authenticatedUsers", Document.class, List.of());
        if (users.isEmpty()) {
            return all();
        }
        List<Document> privileges = auth.getList("authenticatedUserPrivileges", Document.class, List.of());
        Set<Need> held = EnumSet.noneOf(Need.class);
        for (Need n : Need.values()) {
            if (privileges.stream().anyMatch(n::grantedBy)) {
                held.add(n);
            }
        }
        return new MongoPrivileges(held);
    }

    boolean has(Need need) {
        return held.contains(need);
    }

    /** The grants missing, sorted and comma-separated ({@code clusterMonitor,read@local}); empty when none. */
    String missing() {
        Set<String> grants = new TreeSet<>();
        for (Need n : Need.values()) {
            if (!held.contains(n)) {
                grants.add(n.grant());
            }
        }
        return String.join(",", grants);
    }
}
