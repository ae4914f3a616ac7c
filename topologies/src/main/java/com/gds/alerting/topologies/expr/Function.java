package com.gds.alerting.topologies.expr;

import static com.gds.alerting.topologies.expr.ValueType.INSTANT_VECTOR;
import static com.gds.alerting.topologies.expr.ValueType.RANGE_VECTOR;
import static com.gds.alerting.topologies.expr.ValueType.SCALAR;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The functions of the supported subset, with their signatures as Prometheus declares them. */
public enum Function {
    RATE(INSTANT_VECTOR, 0, RANGE_VECTOR),
    IRATE(INSTANT_VECTOR, 0, RANGE_VECTOR),
    INCREASE(INSTANT_VECTOR, 0, RANGE_VECTOR),
    DELTA(INSTANT_VECTOR, 0, RANGE_VECTOR),
    IDELTA(INSTANT_VECTOR, 0, RANGE_VECTOR),
    DERIV(INSTANT_VECTOR, 0, RANGE_VECTOR),
    PREDICT_LINEAR(INSTANT_VECTOR, 0, RANGE_VECTOR, SCALAR),
    CHANGES(INSTANT_VECTOR, 0, RANGE_VECTOR),
    RESETS(INSTANT_VECTOR, 0, RANGE_VECTOR),
    AVG_OVER_TIME(INSTANT_VECTOR, 0, RANGE_VECTOR),
    MIN_OVER_TIME(INSTANT_VECTOR, 0, RANGE_VECTOR),
    MAX_OVER_TIME(INSTANT_VECTOR, 0, RANGE_VECTOR),
    SUM_OVER_TIME(INSTANT_VECTOR, 0, RANGE_VECTOR),
    COUNT_OVER_TIME(INSTANT_VECTOR, 0, RANGE_VECTOR),
    QUANTILE_OVER_TIME(INSTANT_VECTOR, 0, SCALAR, RANGE_VECTOR),
    STDDEV_OVER_TIME(INSTANT_VECTOR, 0, RANGE_VECTOR),
    LAST_OVER_TIME(INSTANT_VECTOR, 0, RANGE_VECTOR),
    ABSENT(INSTANT_VECTOR, 0, INSTANT_VECTOR),
    ABSENT_OVER_TIME(INSTANT_VECTOR, 0, RANGE_VECTOR),
    ABS(INSTANT_VECTOR, 0, INSTANT_VECTOR),
    CEIL(INSTANT_VECTOR, 0, INSTANT_VECTOR),
    FLOOR(INSTANT_VECTOR, 0, INSTANT_VECTOR),
    ROUND(INSTANT_VECTOR, 1, INSTANT_VECTOR, SCALAR),
    CLAMP(INSTANT_VECTOR, 0, INSTANT_VECTOR, SCALAR, SCALAR),
    CLAMP_MIN(INSTANT_VECTOR, 0, INSTANT_VECTOR, SCALAR),
    CLAMP_MAX(INSTANT_VECTOR, 0, INSTANT_VECTOR, SCALAR),
    TIMESTAMP(INSTANT_VECTOR, 0, INSTANT_VECTOR),
    VECTOR(INSTANT_VECTOR, 0, SCALAR),
    SCALAR_OF("scalar", ValueType.SCALAR, 0, INSTANT_VECTOR),
    TIME(ValueType.SCALAR, 0);

    private static final Map<String, Function> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toMap(Function::promqlName, f -> f));

    private final String promqlName;
    private final ValueType returnType;
    private final int optionalArgs;
    private final List<ValueType> argTypes;

    Function(ValueType returnType, int optionalArgs, ValueType... argTypes) {
        this(null, returnType, optionalArgs, argTypes);
    }

    Function(String promqlName, ValueType returnType, int optionalArgs, ValueType... argTypes) {
        this.promqlName = promqlName != null ? promqlName : name().toLowerCase(Locale.ROOT);
        this.returnType = returnType;
        this.optionalArgs = optionalArgs;
        this.argTypes = List.of(argTypes);
    }

    public static Optional<Function> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static java.util.Set<String> names() {
        return BY_NAME.keySet();
    }

    public String promqlName() {
        return promqlName;
    }

    public ValueType returnType() {
        return returnType;
    }

    public List<ValueType> argTypes() {
        return argTypes;
    }

    public int minArgs() {
        return argTypes.size() - optionalArgs;
    }
}
