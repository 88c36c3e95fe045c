package org.stevedore.catalog.account;

import java.time.Instant;
import org.neo4j.driver.Value;
import org.neo4j.driver.exceptions.ClientException;
import org.stevedore.catalog.error.InvalidObject;

/** Small conversions shared by this package's stores. */
final class StoreValues {

    static final int MAX_EMAIL = 255;

    private StoreValues() {
    }

    static Instant instant(Value value) {
        return value == null || value.isNull() ? null : Instant.ofEpochMilli(value.asLong());
    }

    static String string(Value value) {
        return value == null || value.isNull() ? null : value.asString();
    }

    /** A unique constraint refused a write: the thing already exists (possibly created concurrently). */
    static boolean isUniquenessViolation(ClientException e) {
        return "Neo.ClientError.Schema.ConstraintValidationFailed".equals(e.code());
    }

    /** A deliberately loose check: mail addresses are for people to read, not for us to deliver to. */
    static String email(String email) {
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
