package com.gds.alerting.topologies.silences;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.gds.alerting.avro.MatchOp;
import com.gds.alerting.avro.Matcher;
import com.gds.alerting.avro.Silence;

/** Checks a silence: every problem, each with its field. */
public final class SilenceValidator {

    private SilenceValidator() {
    }

    public static List<String> validate(Silence silence) {
        List<String> problems = new ArrayList<>();
        if (silence.getSilenceId() == null || silence.getSilenceId().isBlank()) {
            problems.add("silence_id: must not be empty");
        }
        if (silence.getMatchers().isEmpty()) {
            problems.add("matchers: a silence needs at least one matcher, or it would silence everything");
        }
        for (int i = 0; i < silence.getMatchers().size(); i++) {
            Matcher m = silence.getMatchers().get(i);
            if (m.getLabel() == null || m.getLabel().isBlank()) {
                problems.add("matchers[" + i + "].label: must not be empty");
            }
            if (m.getOp() == MatchOp.RE || m.getOp() == MatchOp.NRE) {
                try {
                    Pattern.compile(m.getValue());
                } catch (PatternSyntaxException e) {
                    problems.add("matchers[" + i + "].value: bad regular expression '" + m.getValue() + "': " + e.getDescription());
                }
            }
        }
        if (silence.getEndsAt() != null && !silence.getEndsAt().isAfter(silence.getStartsAt())) {
            problems.add("ends_at: " + silence.getEndsAt() + " is not after starts_at " + silence.getStartsAt());
        }
        if (silence.getCreatedBy() == null || silence.getCreatedBy().isBlank()) {
            problems.add("created_by: must not be empty");
        }
        if (silence.getComment() == null || silence.getComment().isBlank()) {
            problems.add("comment: say why (it is what the next on-call engineer reads)");
        }
        return problems;
    }
}
