package com.gds.alerting.service.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import com.gds.alerting.service.api.AlertView;

class AlertOrderTest {

    private static final Instant T = Instant.parse("2026-03-02T10:00:00Z");

    private static AlertView alert(String rule, String instance, String state, String severity, int startedMinute) {
        return new AlertView(rule + ":" + instance + ":m", rule, instance, "m", "postgresql", "prod", state, severity, 1, 1.0, 0.5,
                T.plusSeconds(60L * startedMinute), T.plusSeconds(60L * startedMinute), null, null, null, null, null, null, 0,
                false, Map.of(), null, null, null, null, null, false, null, false, null, null, null, null, null, null);
    }

    private static final List<AlertView> ALERTS = List.of(
            alert("lag", "pg-2", "FIRING", "WARNING", 1),
            alert("conn", "pg-1", "ACKNOWLEDGED", "CRITICAL", 2),
            alert("lag", "pg-3", "PENDING", "CRITICAL", 3),
            alert("down", "pg-1", "FIRING", "HIGH", 4));

    private static List<String> sorted(String sort) {
        List<AlertView> copy = new ArrayList<>(ALERTS);
        copy.sort(AlertOrder.parse(sort).comparator());
        return copy.stream().map(a -> a.ruleId() + "/" + a.instanceId()).toList();
    }

    @ParameterizedTest(name = "sort={0}")
    @CsvSource(delimiter = '|', value = {
        // no sort: most urgent first, then newest first
        "''               | lag/pg-3 conn/pg-1 down/pg-1 lag/pg-2",
        // severity ascending is most urgent first; ties newest first
        "severity         | lag/pg-3 conn/pg-1 down/pg-1 lag/pg-2",
        // descending reverses the field only: the critical ones still tie newest first
        "-severity        | lag/pg-2 down/pg-1 lag/pg-3 conn/pg-1",
        // firing, pending, acknowledged; ties by the default order
        "state            | down/pg-1 lag/pg-2 lag/pg-3 conn/pg-1",
        // alphabetical, ties by the default order
        "instance         | conn/pg-1 down/pg-1 lag/pg-2 lag/pg-3",
        "rule,-instance   | conn/pg-1 down/pg-1 lag/pg-3 lag/pg-2",
        // age ascending = the youngest first
        "age              | down/pg-1 lag/pg-3 conn/pg-1 lag/pg-2",
        "-age             | lag/pg-2 conn/pg-1 lag/pg-3 down/pg-1",
        "' Instance , '   | conn/pg-1 down/pg-1 lag/pg-2 lag/pg-3",
    })
    void sortsByTheFieldsGivenThenByTheDefaultOrder(String sort, String expected) {
        assertEquals(List.of(expected.trim().split(" ")), sorted(sort));
    }

    @Test
    void theSpecForwardedToOtherInstancesIsNormalised() {
        assertNull(AlertOrder.parse(null).spec(), "the default order is not forwarded");
        assertEquals("instance,-age", AlertOrder.parse(" Instance, -AGE ").spec());
    }

    @Test
    void anUnknownFieldIsRefusedNamingTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AlertOrder.parse("severity,colour"));
        assertTrue(e.getMessage().contains("'colour'") && e.getMessage().contains("severity, state, rule"), e.getMessage());
    }
}
