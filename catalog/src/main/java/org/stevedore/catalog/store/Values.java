package org.stevedore.catalog.store;

import org.neo4j.driver.Value;

/** Null-tolerant reads of record values. */
public final class Values {

    private Values() {
    }

    public static String str(Value v) {
        return v == null || v.isNull() ? null : v.asString();
    }

    public static Long lng(Value v) {
        return v == null || v.isNull() ? null : v.asLong();
    }

    public static Double dbl(Value v) {
        return v == null || v.isNull() ? null : v.asDouble();
    }

    public static boolean bool(Value v, boolean otherwise) {
        return v == null || v.isNull() ? otherwise : v.asBoolean();
    }
}
