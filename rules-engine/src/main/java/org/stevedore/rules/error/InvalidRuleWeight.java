package org.stevedore.rules.error;

import org.stevedore.catalog.error.StevedoreException;

/** A weight attribute no eligible RSE carries as a number. */
public class InvalidRuleWeight extends StevedoreException {
    public InvalidRuleWeight(String message) {
        super(Kind.CONFLICT, message);
    }
}
