package com.gds.alerting.benchmarks;

/**
 * Reads figures from a Prometheus exposition-format page (Prometheus' own {@code /metrics}, the service's
 * {@code /prometheus}): the sum of one metric's samples over all its label sets.
 */
final class ExpositionText {

    private ExpositionText() {
    }

    /**
     * The sum of every sample of {@code metric} (any labels) in {@code page}; NaN when the page has none, so a
     * figure that is missing (renamed, not yet registered) is not read as 0.
     */
    static double sum(String page, String metric) {
        double sum = 0;
        boolean found = false;
        for (String line : page.split("\n")) {
            if (!line.startsWith(metric)) {
                continue;
            }
            int after = metric.length();
            if (line.length() <= after || (line.charAt(after) != '{' && line.charAt(after) != ' ')) {
                continue;
            }
            int valueStart = line.charAt(after) == '{' ? line.indexOf("} ", after) + 2 : after + 1;
            String[] rest = line.substring(valueStart).trim().split(" ");
            sum += Double.parseDouble(rest[0]);
            found = true;
        }
        return found ? sum : Double.NaN;
    }
}
