package com.gds.alerting.benchmarks;

import java.util.Map;

/** The harnesses' command lines: {@code --name value} pairs, read into a map by name. */
final class BenchArgs {

    private BenchArgs() {
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> args = BenchArgs.parse(argv);
        return args;
    }
}
