package org.stevedore.catalog.did;

import java.util.Locale;
import java.util.regex.Pattern;
import org.stevedore.catalog.error.InvalidObject;

/** Normalises and checks checksums as Rucio stores them: lower-case hex, adler32 zero-padded to 8 digits. */
public final class Checksums {

    private static final Pattern ADLER32 = Pattern.compile("[0-9a-f]{1,8}");
    private static final Pattern MD5 = Pattern.compile("[0-9a-f]{32}");

    private Checksums() {
    }

    public static String adler32(String value, String what) {
        if (value == null) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!ADLER32.matcher(v).matches()) {
            throw new InvalidObject("Invalid adler32 '" + value + "' of " + what + ": expected up to 8 hex digits");
        }
        return "0".repeat(8 - v.length()) + v;
    }

    public static String md5(String value, String what) {
        if (value == null) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!MD5.matcher(v).matches()) {
            throw new InvalidObject("Invalid md5 '" + value + "' of " + what + ": expected 32 hex digits");
        }
        return v;
    }
}
