package org.stevedore.rules.store;

import java.util.Locale;
import org.stevedore.catalog.error.InvalidObject;

/** Rucio's notification settings: none, Yes (every lock), Close (when the rule is OK), Progress. */
public enum Notify {
    N, Y, C, P;

    public static Notify parse(String value) {
        if (value == null || value.isBlank()) {
            return N;
        }
        String v = value.trim().toUpperCase(Locale.ROOT);
        switch (v) {
            case "N", "NO": return N;
            case "Y", "YES": return Y;
            case "C", "CLOSE": return C;
            case "P", "PROGRESS": return P;
            default:
                throw new InvalidObject("Unknown notify setting '" + value + "' (expected N, Y, C or P)");
        }
    }
}
