package com.gds.alerting.rulescli.yaml;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A place in a YAML file, 1-based as editors show it.
 *
 * @param file   the file as the user named it
 * @param line   1-based line
 * @param column 1-based column
 */
public record Location(String file, int line, int column) {

    /** The start of {@code node} in {@code file}. */
    public static Location of(String file, Node node) {
        Mark mark = node.getStartMark();
        return new Location(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    /** The start of a file, for problems that have no better place. */
    public static Location start(String file) {
        return new Location(file, 1, 1);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
