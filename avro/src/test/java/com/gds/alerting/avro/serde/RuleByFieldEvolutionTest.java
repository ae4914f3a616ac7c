package com.gds.alerting.avro.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.RuleKind;

/**
 * {@code by} came with Rule v4: a rule written before it (Rule v3) reads as a rule without
 * {@code by}, i.e. one alert per rule, instance and metric, exactly as it alerted then.
 */
class RuleByFieldEvolutionTest {

    @Test
    void aRuleWrittenWithV3ReadsWithAnEmptyBy() throws Exception {
        AvroClassTrust.install();
        Schema v3;
        try (InputStream in = Files.newInputStream(Path.of("src/test/resources/schema-history/Rule.v3.avsc"))) {
            v3 = new Schema.Parser().parse(in);
        }
        Schema selector = v3.getField("selector").schema();
        GenericRecord old = new GenericRecordBuilder(v3)
                .set("rule_id", "pg-xid")
                .set("kind", new GenericData.EnumSymbol(v3.getField("kind").schema(), "THRESHOLD"))
                .set("selector", new GenericRecordBuilder(selector).set("metric_name", "xid_wraparound_age").build())
                .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(v3).write(old, encoder);
        encoder.flush();

        Rule read = new SpecificDatumReader<Rule>(v3, Rule.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

        assertEquals("pg-xid", read.getRuleId());
        assertEquals(RuleKind.THRESHOLD, read.getKind());
        assertEquals(List.of(), read.getBy());
    }
}
