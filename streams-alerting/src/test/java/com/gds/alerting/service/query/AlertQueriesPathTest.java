package com.gds.alerting.service.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;

import org.junit.jupiter.api.Test;

/** A query forwarded to the instance that owns the alert names the key as one encoded path segment. */
class AlertQueriesPathTest {

    @Test
    void aSeriesKeyIsForwardedAsOneEncodedSegmentThatDecodesBackToTheKey() {
        String key = "xid:pg-1:xid_wraparound_age{database=sales%2Feu}";

        URI uri = AlertQueries.path(key, "/history", true);

        assertEquals("/api/v1/alerts/xid%3Apg-1%3Axid_wraparound_age%7Bdatabase%3Dsales%252Feu%7D/history", uri.getRawPath());
        assertEquals("stale_ok=true", uri.getRawQuery());
        assertEquals("/api/v1/alerts/" + key + "/history", uri.getPath(), "the owner's router decodes it once: the key");
    }

    @Test
    void aThreePartKeyIsForwardedAsBefore() {
        assertEquals("/api/v1/alerts/lag%3Apg-1%3Areplication_lag_seconds",
                AlertQueries.path("lag:pg-1:replication_lag_seconds", "", false).toString());
    }

    @Test
    void anSloQueryNamesRuleAndInstanceAsEncodedSegments() {
        URI uri = AlertQueries.sloPath("pg-availability", "mssql prod/01", true);
        assertEquals("/api/v1/slo/pg-availability/mssql%20prod%2F01", uri.getRawPath());
        assertEquals("stale_ok=true", uri.getRawQuery());
        assertEquals("/api/v1/slo/pg-availability/mssql prod/01", uri.getPath());
    }
}
