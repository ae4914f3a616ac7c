package com.gds.alerting.avro.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleSettings;
import com.gds.alerting.avro.Silence;

/**
 * Schemas evolve BACKWARD compatibly: today's classes must read data written with every schema
 * version that was ever released. Each release's schemas are kept in
 * {@code src/test/resources/schema-history/<Record>.v<N>.avsc}; add the new ones when a schema
 * changes, never edit the old ones.
 */
class SchemaHistoryTest {

    static Stream<Class<?>> contracts() {
        return Stream.of(Metric.class, Rule.class, Silence.class, AlertCommand.class, AlertEvent.class, CommandResult.class,
                RuleSettings.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void currentSchemaReadsEveryReleasedVersion(Class<?> type) throws Exception {
        Schema current = (Schema) type.getMethod("getClassSchema").invoke(null);
        List<Path> history;
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/schema-history"))) {
            history = files.filter(p -> p.getFileName().toString().startsWith(type.getSimpleName() + ".v")).toList();
        }
        assertFalse(history.isEmpty(), "no released schema of " + type.getSimpleName() + " kept");
        for (Path file : history) {
            Schema old = parse(file);
            SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
            assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
                    type.getSimpleName() + " cannot read data written with " + file.getFileName() + ": " + result.getDescription());
        }
    }

    /**
     * A rule and an event written before shadow rules existed read as live: {@code shadow} false,
     * {@code shadow_of} null. Data, not only schemas: the bytes of the released schema through
     * today's reader.
     */
    @Test
    void ruleAndEventWrittenBeforeShadowRulesReadAsLive() throws Exception {
        AvroClassTrust.install();
        Schema oldRule = parse(Path.of("src/test/resources/schema-history/Rule.v3.avsc"));
        GenericRecord rule = new GenericData.Record(oldRule);
        rule.put("rule_id", "r1");
        rule.put("kind", new GenericData.EnumSymbol(oldRule.getField("kind").schema(), "THRESHOLD"));
        GenericRecord selector = new GenericData.Record(oldRule.getField("selector").schema());
        selector.put("metric_name", "m");
        selector.put("matchers", List.of());
        rule.put("selector", selector);
        fillDefaults(rule);
        Rule read = readAs(oldRule, rule, Rule.getClassSchema());
        assertEquals("r1", read.getRuleId());
        assertFalse(read.getShadow());
        assertNull(read.getShadowOf());

        Schema oldEvent = parse(Path.of("src/test/resources/schema-history/AlertEvent.v2.avsc"));
        GenericRecord event = new GenericData.Record(oldEvent);
        for (String field : List.of("message_id", "alert_key", "rule_id", "instance_id", "metric_name")) {
            event.put(field, "x");
        }
        event.put("severity", new GenericData.EnumSymbol(oldEvent.getField("severity").schema(), "CRITICAL"));
        event.put("state", new GenericData.EnumSymbol(oldEvent.getField("state").schema(), "FIRING"));
        event.put("transition", new GenericData.EnumSymbol(oldEvent.getField("transition").schema(), "FIRED"));
        event.put("incident", 1L);
        event.put("started_at", 1L);
        event.put("updated_at", 1L);
        fillDefaults(event);
        AlertEvent readEvent = readAs(oldEvent, event, AlertEvent.getClassSchema());
        assertFalse(readEvent.getShadow());
        assertNull(readEvent.getShadowOf());
    }

    /** An event written before tenants existed reads with no tenant (null), not as some tenant's. */
    @Test
    void eventWrittenBeforeTenantsReadsWithoutTenant() throws Exception {
        AvroClassTrust.install();
        Schema oldEvent = parse(Path.of("src/test/resources/schema-history/AlertEvent.v3.avsc"));
        GenericRecord event = new GenericData.Record(oldEvent);
        for (String field : List.of("message_id", "alert_key", "rule_id", "instance_id", "metric_name")) {
            event.put(field, "x");
        }
        event.put("severity", new GenericData.EnumSymbol(oldEvent.getField("severity").schema(), "CRITICAL"));
        event.put("state", new GenericData.EnumSymbol(oldEvent.getField("state").schema(), "FIRING"));
        event.put("transition", new GenericData.EnumSymbol(oldEvent.getField("transition").schema(), "FIRED"));
        event.put("incident", 1L);
        event.put("started_at", 1L);
        event.put("updated_at", 1L);
        fillDefaults(event);
        AlertEvent readEvent = readAs(oldEvent, event, AlertEvent.getClassSchema());
        assertEquals("x", readEvent.getAlertKey());
        assertNull(readEvent.getTenant());
    }

    private static void fillDefaults(GenericRecord record) {
        for (Schema.Field field : record.getSchema().getFields()) {
            if (record.get(field.name()) == null && field.hasDefaultValue()) {
                record.put(field.name(), GenericData.get().getDefaultValue(field));
            }
        }
    }

    private static <T> T readAs(Schema writer, GenericRecord record, Schema reader) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer).write(record, encoder);
        encoder.flush();
        SpecificDatumReader<T> datumReader = new SpecificDatumReader<>(writer, reader);
        return datumReader.read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    private static Schema parse(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new Schema.Parser().parse(in);
        }
    }
}
