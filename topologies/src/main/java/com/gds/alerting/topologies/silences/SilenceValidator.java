package com.gds.alerting.topologies.silences;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Silence;
import com.gds.alerting.topologies.rules.CompiledMatcher;
import com.gds.alerting.topologies.rules.MatcherRegex;

/**
 * Checks a silence: every problem, each naming its field. The REST API refuses with these (400)
 * and the topology ignores a silence record with any of them, so a silence written around the API
 * cannot do what the API refuses. Limits (docs/RELIABILITY.md):
 * <ul>
 *   <li>at most {@link #MAX_MATCHERS} matchers; label names up to {@link #MAX_LABEL_CHARS}
 *       characters, values up to {@link #MAX_VALUE_CHARS}; regular expressions are RE2
 *       ({@link MatcherRegex});</li>
 *   <li>at least one matcher must not match the empty string, as Alertmanager requires: a
 *       silence whose every matcher matches a missing label would silence the whole fleet;</li>
 *   <li>{@code starts_at} and {@code ends_at} within [{@link #EARLIEST}, {@link #LATEST}), so
 *       time arithmetic on them cannot overflow;</li>
 *   <li>{@code created_by} up to {@link #MAX_CREATED_BY_CHARS} characters, {@code comment} up to
 *       {@link #MAX_COMMENT_CHARS}, so a silence record always fits a Kafka record.</li>
 * </ul>
 */
public final class SilenceValidator {

    public static final int MAX_MATCHERS = 32;
    public static final int MAX_LABEL_CHARS = 128;
    public static final int MAX_VALUE_CHARS = MatcherRegex.MAX_CHARS;
    public static final int MAX_CREATED_BY_CHARS = 256;
    public static final int MAX_COMMENT_CHARS = 4096;
    public static final int MAX_ID_CHARS = 128;
    /** Earliest accepted {@code starts_at}/{@code ends_at} (inclusive). */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** Latest accepted {@code starts_at}/{@code ends_at} (exclusive). */
    public static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");

    private SilenceValidator() {
    }

    public static List<String> validate(Silence silence) {
        List<String> problems = new ArrayList<>();
        if (silence.getSilenceId() == null || silence.getSilenceId().isBlank()) {
            problems.add("silence_id: must not be empty");
        } else if (silence.getSilenceId().length() > MAX_ID_CHARS) {
            problems.add("silence_id: at most " + MAX_ID_CHARS + " characters");
        }
        List<Matcher> matchers = silence.getMatchers();
        if (matchers.isEmpty()) {
            problems.add("matchers: a silence needs at least one matcher, or it would silence everything");
        } else if (matchers.size() > MAX_MATCHERS) {
            problems.add("matchers: " + matchers.size() + " matchers, at most " + MAX_MATCHERS + " allowed");
        } else {
            matchers(matchers, problems);
        }
        time("starts_at", silence.getStartsAt(), problems);
        if (silence.getEndsAt() != null) {
            time("ends_at", silence.getEndsAt(), problems);
            if (silence.getStartsAt() != null && !silence.getEndsAt().isAfter(silence.getStartsAt())) {
                problems.add("ends_at: " + silence.getEndsAt() + " is not after starts_at " + silence.getStartsAt());
            }
        }
        if (silence.getCreatedBy() == null || silence.getCreatedBy().isBlank()) {
            problems.add("created_by: must not be empty");
        } else if (silence.getCreatedBy().length() > MAX_CREATED_BY_CHARS) {
            problems.add("created_by: " + silence.getCreatedBy().length() + " characters, at most " + MAX_CREATED_BY_CHARS);
        }
        if (silence.getComment() == null || silence.getComment().isBlank()) {
            problems.add("comment: say why (it is what the next on-call engineer reads)");
        } else if (silence.getComment().length() > MAX_COMMENT_CHARS) {
            problems.add("comment: " + silence.getComment().length() + " characters, at most " + MAX_COMMENT_CHARS);
        }
        return problems;
    }

    private static void matchers(List<Matcher> matchers, List<String> problems) {
        boolean allMatchEmpty = true;
        boolean allValid = true;
        for (int i = 0; i < matchers.size(); i++) {
            Matcher m = matchers.get(i);
            String at = "matchers[" + i + "]";
            if (m.getLabel() == null || m.getLabel().isBlank()) {
                problems.add(at + ".label: must not be empty");
                allValid = false;
            } else if (m.getLabel().length() > MAX_LABEL_CHARS) {
                problems.add(at + ".label: at most " + MAX_LABEL_CHARS + " characters");
                allValid = false;
            }
            if (m.getValue() == null) {
                problems.add(at + ".value: required");
                allValid = false;
                continue;
            }
            if (m.getValue().length() > MAX_VALUE_CHARS) {
                problems.add(at + ".value: " + m.getValue().length() + " characters, at most " + MAX_VALUE_CHARS);
                allValid = false;
                continue;
            }
            if (m.getOp() == MatchOp.RE || m.getOp() == MatchOp.NRE) {
                String problem = MatcherRegex.problem(m.getValue());
                if (problem != null) {
                    problems.add(at + ".value: " + problem);
                    allValid = false;
                    continue;
                }
            }
            allMatchEmpty &= CompiledMatcher.of(m).matchesEmpty();
        }
        if (allValid && allMatchEmpty) {
            problems.add("matchers: every matcher matches the empty string, so the silence would match every alert; "
                    + "at least one matcher must not match the empty string (as in Alertmanager)");
        }
    }

    private static void time(String field, Instant at, List<String> problems) {
        if (at == null) {
            if (field.equals("starts_at")) {
                problems.add(field + ": required");
            }
            return;
        }
        if (at.isBefore(EARLIEST) || !at.isBefore(LATEST)) {
            problems.add(field + ": " + at + " is outside [" + EARLIEST + ", " + LATEST + ")");
        }
    }
}
