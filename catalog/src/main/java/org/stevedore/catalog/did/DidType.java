package org.stevedore.catalog.did;

import java.util.Locale;
import org.stevedore.catalog.error.InvalidType;

/** What a DID is: a file, a dataset of files, or a container of collections. */
public enum DidType {
    FILE, DATASET, CONTAINER;

    /** Parses Rucio's spellings: full names in any case, or the one-letter forms {@code F}, {@code D}, {@code C}. */
    public static DidType parse(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidType("DID type is missing (expected FILE, DATASET or CONTAINER)");
        }
        switch (value.trim().toUpperCase(Locale.ROOT)) {
            case "F", "FILE":
                return FILE;
            case "D", "DATASET":
                return DATASET;
            case "C", "CONTAINER":
                return CONTAINER;
            default:
                throw new InvalidType("Unknown DID type '" + value + "' (expected FILE, DATASET or CONTAINER)");
        }
    }

    public boolean isCollection() {
        return this != FILE;
    }
}
