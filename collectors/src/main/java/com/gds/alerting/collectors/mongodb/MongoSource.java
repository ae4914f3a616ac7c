package com.gds.alerting.collectors.mongodb;

import org.bson.Document;

/** Runs a command on one MongoDB server; the collector reads through this so its mapping can be tested from recorded documents. */
@FunctionalInterface
public interface MongoSource {

    /** The reply to {@code command} on {@code database}. */
    Document command(String database, Document command);

    /** The reply to {@code {<name>: 1}} on the {@code admin} database. */
    default Document adminCommand(String name) {
        return command("admin", new Document(name, 1));
    }
}
