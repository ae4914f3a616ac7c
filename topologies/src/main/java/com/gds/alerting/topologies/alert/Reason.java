package com.gds.alerting.topologies.alert;

/** Why a transition happened: the {@code reason} of an {@code AlertEvent}, for people, logs and metrics. */
public enum Reason {
    /** The condition started to hold; {@code for} is not served yet. */
    CONDITION_MET,
    /** The condition held for {@code for} (or {@code for} is 0). */
    FOR_ELAPSED,
    /** The value moved to another level. */
    LEVEL_CHANGED,
    /** The condition stopped holding (after {@code keep_firing_for}, if set). */
    RECOVERED,
    /** The condition stopped holding before {@code for} was served: the alert never fired. */
    PENDING_CANCELLED,
    /** The rule was deleted while the alert was open. */
    RULE_DELETED,
    /** The rule was disabled while the alert was open. */
    RULE_DISABLED,
    /** An override switched the rule off for this series. */
    DISABLED_BY_OVERRIDE,
    /** The rule changed and its selector no longer selects this series. */
    NO_LONGER_SELECTED,
    /** An operator's command. */
    MANUAL,
    /** Still firing and not acknowledged after {@code repeat_interval}. */
    REPEAT_INTERVAL_ELAPSED,
    /** Not acknowledged within {@code escalate_after}. */
    NOT_ACKNOWLEDGED_IN_TIME,
    /** An absence rule's instance was silent longer than the retention and is no longer tracked. */
    INSTANCE_FORGOTTEN,
    /** FIRED again: the silence that kept the alert quiet ended (or was deleted) and it still fires. */
    SILENCE_ENDED,
    /** The rule turned from live to shadow or back: the incident opened under the old role ends, the next sample opens one under the new. */
    ROLE_CHANGED,
    /** FIRED again: the alert that inhibited it resolved and it still fires. */
    INHIBITION_ENDED,
    /**
     * The rule's {@code by} changed: its series now alert under other keys (one per series, or one
     * per instance again), so the alert under this key would never be evaluated again.
     */
    ALERT_KEY_CHANGED
}
