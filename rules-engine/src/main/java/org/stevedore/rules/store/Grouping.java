package org.stevedore.rules.store;

import java.util.Locale;
import org.stevedore.catalog.error.InvalidObject;

/** How a rule places the files of its DID: all together, each dataset together, or each file on its own. */
public enum Grouping {
    ALL, DATASET, NONE;

    /** Rucio's default is DATASET. */
    public static Grouping parse(String value) {
        if (value == null || value.isBlank()) {
            return DATASET;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidObject("Unknown grouping '" + value + "' (expected ALL, DATASET or NONE)");
        }
    }
}
