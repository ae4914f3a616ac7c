package com.gds.alerting.topologies.expr;

/** PromQL's value types, which the type checker tracks through every node. */
public enum ValueType {
    SCALAR("scalar"), INSTANT_VECTOR("instant vector"), RANGE_VECTOR("range vector"), STRING("string");

    private final String description;

    ValueType(String description) {
        this.description = description;
    }

    /** "a scalar", "an instant vector": for messages. */
    public String withArticle() {
        return (this == INSTANT_VECTOR ? "an " : "a ") + description;
    }

    @Override
    public String toString() {
        return description;
    }
}
