package org.stevedore.catalog.account;

import java.util.Arrays;
import org.stevedore.catalog.error.InvalidType;

/** Rucio's account types. */
public enum AccountType {
    USER, GROUP, SERVICE;

    /** Parses a client-supplied type name (case-insensitive), naming the allowed values when it is wrong. */
    public static AccountType parse(String value) {
        if (value != null) {
            for (AccountType type : values()) {
                if (type.name().equalsIgnoreCase(value.trim())) {
                    return type;
                }
            }
        }
        throw new InvalidType("Invalid account type '" + value + "': expected one of " + Arrays.toString(values()));
    }
}
