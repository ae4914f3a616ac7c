package com.gds.alerting.topologies.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TemplateTest {

    @Test
    void rendersNamesAndLabelsAndLeavesMissingOnesEmpty() {
        Template t = Template.parse("{{ instance_id }} lag {{value}}s > {{threshold}}s ({{labels.region}}{{labels.none}})");
        String out = t.render(n -> Map.of("instance_id", "pg-1", "value", "42", "threshold", "30").get(n), Map.of("region", "eu"));
        assertEquals("pg-1 lag 42s > 30s (eu)", out);
        assertEquals(List.of(), t.unknownPlaceholders());
        assertEquals(List.of("instance", "labels."), Template.parse("{{instance}} {{labels.}}").unknownPlaceholders());
        assertNull(Template.parse(null));
    }

    @Test
    void numbersReadAsPeopleWriteThem() {
        assertEquals("42", Template.number(42.0));
        assertEquals("0.9512", Template.number(0.9512));
        assertEquals("0.333333", Template.number(1.0 / 3));
        assertEquals("1234570", Template.number(1234567.8));
        assertEquals("-3.5", Template.number(-3.5));
    }
}
