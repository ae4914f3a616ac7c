package com.gds.alerting.collectors.mongodb;

import org.bson.Document;

/** Runs an admin command on one MongoDB server; the collector reads through this so its mapping can be tested from recorded documents. */
@FunctionalInterface
public interface MongoSource {

    /** The reply to {@code {<command>: 1}} on the {@code admin} database. */
    Document adminCommand(String command);
}
