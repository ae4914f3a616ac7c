package com.gds.alerting.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Alert keys with and without the series suffix of a rule with {@code by}: built, parsed, and one way only. */
class AlertKeysTest {

    @Test
    void aKeyWithoutSeriesIsTheContractsThreePartKey() {
        assertEquals("r:i:m", AlertKeys.of("r", "i", "m"));
        assertEquals(new AlertKeys.Parts("r", "pg:5432", "m", Map.of()), AlertKeys.parse("r:pg:5432:m"));
    }

    @Test
    void aSeriesKeyListsTheByTagsInOrderWithEncodedValues() {
        Map<String, String> tags = Map.of("database", "orders", "member", "AG1/db:2 {x=y,z}");
        String key = AlertKeys.of("lag", "mssql:1", "replication_lag_seconds", List.of("database", "member"), tags::get);
        assertEquals("lag:mssql:1:replication_lag_seconds{database=orders,member=AG1%2Fdb%3A2%20%7Bx%3Dy%2Cz%7D}", key);
        AlertKeys.Parts parts = AlertKeys.parse(key);
        assertEquals("lag", parts.ruleId());
        assertEquals("mssql:1", parts.instanceId(), "the instance id keeps its ':'");
        assertEquals("replication_lag_seconds", parts.metricName(), "the metric name is bare");
        assertEquals(tags, parts.series(), "every value decodes back, reserved characters included");
    }

    @Test
    void aTagTheSeriesLacksHasAnEmptyValueAndNonAsciiValuesRoundTrip() {
        String key = AlertKeys.of("r", "i", "m", List.of("database", "table"), t -> t.equals("table") ? "commandes_été" : null);
        assertEquals("r:i:m{database=,table=commandes_%C3%A9t%C3%A9}", key);
        assertEquals(Map.of("database", "", "table", "commandes_été"), AlertKeys.parse(key).series());
    }

    @Test
    void aSeriesKeyIsOneUrlPathSegmentOnceEncoded() {
        String key = AlertKeys.of("r", "i", "m", List.of("database"), t -> "a/b c%");
        String segment = URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
        assertEquals(-1, segment.indexOf('/'));
        assertEquals(key, URLDecoder.decode(segment, StandardCharsets.UTF_8));
    }

    @Test
    void malformedSuffixesAreNotKeys() {
        for (String bad : List.of("r:i:m}", "r:i:m{}", "r:i:m{database}", "r:i:m{=x}", "r:i:m{database=a b}",
                "r:i:m{database=%G1}", "r:i:m{database=%4}", "r:i:m{a=1,a=2}", "r:i:{database=x}", "r:i:m{1a=x}")) {
            assertNull(AlertKeys.parse(bad), bad);
        }
    }
}
