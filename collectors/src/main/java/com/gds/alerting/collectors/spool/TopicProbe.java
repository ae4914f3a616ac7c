package com.gds.alerting.collectors.spool;

/**
 * Asks the cluster whether a topic can be written to, so the forwarder can tell a topic that does
 * not exist (or may not be written) from a cluster that is not answering: only the first is a
 * reason to set a destination's records aside, the second is an outage the spool waits out.
 */
@FunctionalInterface
public interface TopicProbe {

    /** What the cluster said about a topic. */
    record Verdict(Kind kind, String reason) {

        public enum Kind { WRITABLE, UNDELIVERABLE, UNKNOWN }

        public static final Verdict WRITABLE = new Verdict(Kind.WRITABLE, null);

        public static Verdict undeliverable(String reason) {
            return new Verdict(Kind.UNDELIVERABLE, reason);
        }

        public static Verdict unknown(String reason) {
            return new Verdict(Kind.UNKNOWN, reason);
        }
    }

    /** Blocks at most the probe's own timeout. */
    Verdict check(String topic);
}
