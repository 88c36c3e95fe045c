package org.stevedore.catalog.rse;

import java.util.Locale;
import org.stevedore.catalog.error.InvalidType;

/** Kind of storage behind an RSE; tape RSEs need a recall (stage) before their files can be read. */
public enum RseType {
    DISK, TAPE;

    /** Parses Rucio's spelling ({@code DISK}, {@code TAPE}; case is ignored). */
    public static RseType parse(String value) {
        if (value != null) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException ignored) {
                // reported below with the accepted values
            }
        }
        throw new InvalidType("RSE type '" + value + "' does not exist (use DISK or TAPE)");
    }
}
