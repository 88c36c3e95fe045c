package org.stevedore.rules.error;

import org.stevedore.catalog.error.StevedoreException;

/** A rule id that does not exist. */
public class RuleNotFound extends StevedoreException {
    public RuleNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
