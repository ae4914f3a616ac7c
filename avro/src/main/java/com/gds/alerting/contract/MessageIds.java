package com.gds.alerting.contract;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The deterministic {@code message_id} of an alert transition: a name-based UUID of (alert key,
 * incident, transition, reminder number). The same transition always gets the same id, so a
 * replay or a retried delivery is recognised by gds_notification as a repeat.
 */
public final class MessageIds {

    private MessageIds() {
    }

    /**
     * @param alertKey       the alert key
     * @param incident       the incident number (from 1)
     * @param transition     the transition name (e.g. {@code FIRED}, {@code RESOLVED})
     * @param reminderNumber 0 except for reminders (1, 2, ...)
     */
    public static String of(String alertKey, long incident, String transition, int reminderNumber) {
        String name = "gds-alert/v1\u0000" + alertKey + "\u0000" + incident + "\u0000" + transition + "\u0000"
                + reminderNumber;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
