package org.stevedore.catalog.account;

import org.stevedore.catalog.error.InvalidObject;

/** Email addresses of accounts and identities. */
final class Emails {

    static final int MAX_EMAIL = 255;

    private Emails() {
    }

    /** A deliberately loose check: mail addresses are for people to read, not for us to deliver to. */
    static String check(String email) {
        if (email == null || email.isEmpty()) {
            return null;
        }
        int at = email.indexOf('@');
        boolean ok = email.length() <= MAX_EMAIL && at > 0 && at == email.lastIndexOf('@') && at < email.length() - 1
                && email.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
        if (!ok) {
            throw new InvalidObject("Invalid email '" + email.replaceAll("[\\r\\n]", "?")
                    + "': expected one address like name@example.org, at most " + MAX_EMAIL + " characters");
        }
        return email;
    }
}
