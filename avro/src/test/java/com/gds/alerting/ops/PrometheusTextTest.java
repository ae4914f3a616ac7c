package com.gds.alerting.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrometheusTextTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gds_x_total 42.0|gds_x_total 42|a whole counter loses its fraction",
            "gds_x{table=\"fact_metric\"} 7.0|gds_x{table=\"fact_metric\"} 7|with labels",
            "gds_x{reason=\"a b 1.0\"} 1.0|gds_x{reason=\"a b 1.0\"} 1|a label value with blanks is left alone",
            "gds_x 0.25|gds_x 0.25|a fraction stays",
            "gds_x 1.0E10|gds_x 10000000000|large whole numbers in exponent form",
            "gds_x 1.0E20|gds_x 1.0E20|beyond exact whole numbers stays a double",
            "gds_x NaN|gds_x NaN|not a number stays",
            "gds_x +Inf|gds_x +Inf|infinity stays",
            "gds_x -3.0|gds_x -3|negative whole numbers",
            "# HELP gds_x 1.0 is a help text|# HELP gds_x 1.0 is a help text|comments are left alone"})
    void rewritesOnlyWholeSampleValues(String line, String expected, String reason) {
        assertEquals(expected + "\n", PrometheusText.wholeNumbersAsIntegers(line + "\n"), reason);
    }
}
