package com.gds.alerting.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MetricLimitsTest {

    @Test
    void aTagValueOverItsLimitIsRefusedNamingTheTagAndOneAtTheLimitIsNot() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("environment", "prod");
        tags.put("query", "q".repeat(MetricLimits.MAX_TAG_VALUE_CHARS));
        assertNull(MetricLimits.checkSizes("pg-1", "postgresql", "m", tags));
        tags.put("query", "q".repeat(MetricLimits.MAX_TAG_VALUE_CHARS + 1));
        MetricLimits.Refusal refusal = MetricLimits.checkSizes("pg-1", "postgresql", "m", tags);
        assertEquals("FIELD_TOO_LONG", refusal.reason());
        assertTrue(refusal.message().startsWith("tag 'query' is " + (MetricLimits.MAX_TAG_VALUE_CHARS + 1) + " characters long, at most "
                + MetricLimits.MAX_TAG_VALUE_CHARS + " allowed"), refusal.message());
    }
}
