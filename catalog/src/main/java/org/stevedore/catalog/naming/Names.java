package org.stevedore.catalog.naming;

import org.stevedore.catalog.error.InvalidObject;

/**
 * Rucio's naming rules, with messages that say exactly what is wrong and where. Validation happens before
 * anything is written, so a bulk request with one bad name writes nothing.
 */
public final class Names {

    public static final int MAX_SCOPE = 25;
    public static final int MAX_NAME = 250;
    public static final int MAX_ACCOUNT = 25;
    public static final int MAX_RSE = 255;
    public static final int MAX_KEY = 255;

    private Names() {
    }

    public static String scope(String scope) {
        require("scope", scope);
        if (scope.length() > MAX_SCOPE) {
            throw new InvalidObject("Invalid scope '" + scope + "': " + scope.length()
                    + " characters, at most " + MAX_SCOPE + " are allowed");
        }
        checkChars("scope", scope, false, "letters, digits, '.', '_', '-'");
        return scope;
    }

    public static String name(String name) {
        require("name", name);
        if (name.length() > MAX_NAME) {
            throw new InvalidObject("Invalid name '" + abbreviate(name) + "': " + name.length()
                    + " characters, at most " + MAX_NAME + " are allowed");
        }
        checkChars("name", name, true, "letters, digits, '.', '_', '-', '/'");
        return name;
    }

    /** Validates both halves of a DID. */
    public static void did(String scope, String name) {
        scope(scope);
        name(name);
    }

    /** Accounts are lower case, as in Rucio: {@code [a-z0-9_-]}, at most 25 characters. */
    public static String account(String account) {
        require("account", account);
        if (account.length() > MAX_ACCOUNT) {
            throw new InvalidObject("Invalid account '" + account + "': " + account.length()
                    + " characters, at most " + MAX_ACCOUNT + " are allowed");
        }
        for (int i = 0; i < account.length(); i++) {
            char c = account.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) {
                throw new InvalidObject("Invalid account '" + account + "': character '" + c + "' at position "
                        + (i + 1) + " is not allowed (allowed: lower-case letters, digits, '_', '-')");
            }
        }
        return account;
    }

    /** RSE names: upper-case letters and digits in words joined by single '_' or '-'. */
    public static String rse(String rse) {
        require("RSE name", rse);
        if (rse.length() > MAX_RSE) {
            throw new InvalidObject("Invalid RSE name: " + rse.length() + " characters, at most " + MAX_RSE);
        }
        char previous = '_';
        for (int i = 0; i < rse.length(); i++) {
            char c = rse.charAt(i);
            boolean word = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            boolean joiner = c == '_' || c == '-';
            if (!word && !joiner) {
                throw new InvalidObject("Invalid RSE name '" + rse + "': character '" + c + "' at position " + (i + 1)
                        + " is not allowed (allowed: upper-case letters, digits, and single '_' or '-' between them)");
            }
            if (joiner && (previous == '_' || previous == '-')) {
                throw new InvalidObject("Invalid RSE name '" + rse + "': '" + c + "' at position " + (i + 1)
                        + " must stand between letters or digits");
            }
            previous = c;
        }
        if (previous == '_' || previous == '-') {
            throw new InvalidObject("Invalid RSE name '" + rse + "': it must not end with '" + previous + "'");
        }
        return rse;
    }

    /** Keys of metadata, RSE attributes and limits. */
    public static String key(String what, String key) {
        require(what, key);
        if (key.length() > MAX_KEY) {
            throw new InvalidObject("Invalid " + what + " '" + abbreviate(key) + "': at most " + MAX_KEY + " characters");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
            if (!ok || c > 127) {
                throw new InvalidObject("Invalid " + what + " '" + key + "': character '" + c + "' at position "
                        + (i + 1) + " is not allowed (allowed: letters, digits, '.', '_', '-')");
            }
        }
        return key;
    }

    private static void require(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidObject("Invalid " + what + ": it is missing or empty");
        }
    }

    private static void checkChars(String what, String value, boolean slash, String allowed) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-' || (slash && c == '/');
            if (!ok) {
                throw new InvalidObject("Invalid " + what + " '" + abbreviate(value) + "': character '"
                        + printable(c) + "' at position " + (i + 1) + " is not allowed (allowed: " + allowed + ")");
            }
        }
    }

    private static String printable(char c) {
        return Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private static String abbreviate(String value) {
        String clean = value.replaceAll("[\\r\\n]", "?");
        return clean.length() <= 60 ? clean : clean.substring(0, 57) + "...";
    }
}
