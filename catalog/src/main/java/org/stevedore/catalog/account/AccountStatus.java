package org.stevedore.catalog.account;

import java.util.Arrays;
import org.stevedore.catalog.error.InvalidValueForKey;

/** Rucio's account states. DELETED is a status, not a removal: the name stays taken and its history readable. */
public enum AccountStatus {
    ACTIVE, SUSPENDED, DELETED;

    public static AccountStatus parse(String value) {
        if (value != null) {
            for (AccountStatus status : values()) {
                if (status.name().equalsIgnoreCase(value.trim())) {
                    return status;
                }
            }
        }
        throw new InvalidValueForKey("Invalid account status '" + value + "': expected one of "
                + Arrays.toString(values()));
    }
}
