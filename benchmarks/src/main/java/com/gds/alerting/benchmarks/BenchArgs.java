package com.gds.alerting.benchmarks;

import java.util.HashMap;
import java.util.Map;

/** The harnesses' command lines: {@code --name value} pairs, read into a map by name. */
final class BenchArgs {

    private BenchArgs() {
    }

    static Map<String, String> parse(String[] argv) {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        return args;
    }
}
