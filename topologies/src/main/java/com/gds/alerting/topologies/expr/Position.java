package com.gds.alerting.topologies.expr;

/** Where a node starts inside the expression text: line and column are 1-based. */
public record Position(int line, int column) {

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
