package com.gds.alerting.collectors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import com.gds.alerting.collectors.source.SqlRunner;

/** Answers recorded in {@code src/test/resources/recorded/} (see the README there). */
public final class RecordedAnswers {

    private RecordedAnswers() {
    }

    public static String text(String name) {
        try (InputStream in = RecordedAnswers.class.getResourceAsStream("/recorded/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no recorded answer " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A {@link SqlRunner} answering each of {@code queries} (name → SQL) with the rows recorded
     * under its name; any other SQL fails the test.
     */
    public static SqlRunner sql(String file, Map<String, String> queries) {
        Map<String, List<Map<String, Object>>> answers;
        try {
            answers = new ObjectMapper().readValue(text(file), new TypeReference<>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sql -> queries.entrySet().stream().filter(e -> e.getValue().equals(sql)).findFirst()
                .map(e -> answers.get(e.getKey()))
                .orElseThrow(() -> new AssertionError("no recorded answer for " + sql));
    }
}
