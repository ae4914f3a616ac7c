package com.gds.alerting.collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import com.gds.alerting.collectors.source.Sample;

/** Finding one sample by name (and tag) in a collector's output. */
public final class SampleAssertions {

    private SampleAssertions() {
    }

    public static double value(List<Sample> samples, String name) {
        return only(samples.stream().filter(s -> s.name().equals(name) && s.tags().isEmpty()).toList(), name).value();
    }

    public static Sample sample(List<Sample> samples, String name, String tag, String tagValue) {
        return only(samples.stream().filter(s -> s.name().equals(name) && tagValue.equals(s.tags().get(tag))).toList(),
                name + "{" + tag + "=" + tagValue + "}");
    }

    public static double value(List<Sample> samples, String name, String tag, String tagValue) {
        return sample(samples, name, tag, tagValue).value();
    }

    private static Sample only(List<Sample> found, String what) {
        assertEquals(1, found.size(), what + " exactly once in " + found);
        return found.get(0);
    }
}
