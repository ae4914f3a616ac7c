package com.gds.alerting.collectors.spool;

/**
 * A record read from the spool and the position just after it, which becomes the committed
 * position once it and everything before it is delivered.
 *
 * @param record the record
 * @param end    position after this record
 */
public record SpoolEntry(SpoolRecord record, SpoolPosition end) {
}
