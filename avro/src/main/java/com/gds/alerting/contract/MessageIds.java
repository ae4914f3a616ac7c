package com.gds.alerting.contract;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The deterministic {@code message_id} of an alert transition: a name-based UUID of (alert key,
 * incident number, incident start time, transition, reminder number). The same transition always
 * gets the same id, so a replay or a retried delivery is recognised by gds_notification as a
 * repeat; and a new incident never reuses an old incident's id even when alert state was lost or
 * rebuilt and incident numbers restarted at 1, because its start time differs.
 */
public final class MessageIds {

    private MessageIds() {
    }

    /**
     * @param alertKey          the alert key
     * @param incident          the incident number (from 1)
     * @param incidentStartedAt the incident's start time: event time (epoch ms) of the sample that
     *                          opened it, the same for every transition of the incident
     * @param transition        the transition name (e.g. {@code FIRED}, {@code RESOLVED})
     * @param reminderNumber    0 except for reminders (1, 2, ...) and repeated transitions
     */
    public static String of(String alertKey, long incident, long incidentStartedAt, String transition, int reminderNumber) {
        // v2: v1 ids had no start time and collided after a state reset
        String name = "gds-alert/v2\u0000" + alertKey + "\u0000" + incident + "\u0000" + incidentStartedAt + "\u0000"
                + transition + "\u0000" + reminderNumber;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
