package dev.freight.query;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The filter operators of the API, with how many values each takes. */
public enum FilterOp {
    EQ("eq", Arity.ONE), NE("ne", Arity.ONE), LT("lt", Arity.ONE), LTE("lte", Arity.ONE), GT("gt", Arity.ONE),
    GTE("gte", Arity.ONE), IN("in", Arity.MANY), NOT_IN("not_in", Arity.MANY), BETWEEN("between", Arity.TWO),
    LIKE("like", Arity.ONE), CONTAINS("contains", Arity.ONE), STARTS_WITH("starts_with", Arity.ONE),
    IS_NULL("is_null", Arity.NONE), NOT_NULL("not_null", Arity.NONE);

    public enum Arity { NONE, ONE, TWO, MANY }

    private final String wireName;
    private final Arity arity;

    FilterOp(String wireName, Arity arity) {
        this.wireName = wireName;
        this.arity = arity;
    }

    public String wireName() {
        return wireName;
    }

    public Arity arity() {
        return arity;
    }

    public boolean isOrdering() {
        return this == LT || this == LTE || this == GT || this == GTE || this == BETWEEN;
    }

    public boolean isTextMatch() {
        return this == LIKE || this == CONTAINS || this == STARTS_WITH;
    }

    public static Optional<FilterOp> fromWire(String name) {
        if (name == null) return Optional.empty();
        String n = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(o -> o.wireName.equals(n)).findFirst();
    }

    public static String choices() {
        return Arrays.stream(values()).map(FilterOp::wireName).collect(Collectors.joining(", "));
    }
}
