package org.stevedore.catalog.account;

import java.util.Arrays;
import org.stevedore.catalog.error.InvalidType;

/** How an identity proves itself: Rucio's identity types. */
public enum IdentityType {
    USERPASS, X509, SSH, GSS, OIDC;

    public static IdentityType parse(String value) {
        if (value != null) {
            for (IdentityType type : values()) {
                if (type.name().equalsIgnoreCase(value.trim())) {
                    return type;
                }
            }
        }
        throw new InvalidType("Invalid identity type '" + value + "': expected one of " + Arrays.toString(values()));
    }
}
