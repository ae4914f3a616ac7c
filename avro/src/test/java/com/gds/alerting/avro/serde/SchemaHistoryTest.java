package com.gds.alerting.avro.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.gds.alerting.avro.AlertCommand;
import com.gds.alerting.avro.AlertEvent;
import com.gds.alerting.avro.CommandResult;
import com.gds.alerting.avro.Metric;
import com.gds.alerting.avro.Rule;
import com.gds.alerting.avro.Silence;

/**
 * Schemas evolve BACKWARD compatibly: today's classes must read data written with every schema
 * version that was ever released. Each release's schemas are kept in
 * {@code src/test/resources/schema-history/<Record>.v<N>.avsc}; add the new ones when a schema
 * changes, never edit the old ones.
 */
class SchemaHistoryTest {

    static Stream<Class<?>> contracts() {
        return Stream.of(Metric.class, Rule.class, Silence.class, AlertCommand.class, AlertEvent.class, CommandResult.class);
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

    private static Schema parse(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new Schema.Parser().parse(in);
        }
    }
}
