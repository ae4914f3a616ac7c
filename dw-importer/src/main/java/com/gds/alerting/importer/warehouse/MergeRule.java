package com.gds.alerting.importer.warehouse;

/** What a merge does with a column when the target already has a row with the same key. */
public enum MergeRule {
    /** Part of the natural key: never updated. */
    KEY,
    /** Kept as first written (facts: a replay changes nothing). */
    KEEP,
    /** The smaller of old and new (first seen). */
    MIN,
    /** The larger of old and new (last seen). */
    MAX,
    /** The new value when it is not null, else the old one (attributes that may be unknown in a record). */
    LATEST_NON_NULL
}
