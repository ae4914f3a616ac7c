package com.gds.alerting.service.auth;

/** The rights a token can carry; the roles of {@code @Secured}. */
public final class Rights {

    /** Read alerts, rules, silences, SLOs. */
    public static final String READ = "read";
    /** Acknowledge, resolve, create and delete silences. */
    public static final String WRITE = "write";

    private Rights() {
    }
}
