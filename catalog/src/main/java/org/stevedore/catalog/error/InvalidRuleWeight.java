package org.stevedore.catalog.error;

/** A weight attribute no eligible RSE carries as a number. */
public class InvalidRuleWeight extends StevedoreException {
    public InvalidRuleWeight(String message) {
        super(Kind.CONFLICT, message);
    }
}
