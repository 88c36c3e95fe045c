package org.stevedore.catalog.error;

/** The account's quota on the eligible RSEs cannot hold the rule. */
public class InsufficientAccountLimit extends StevedoreException {
    public InsufficientAccountLimit(String message) {
        super(Kind.CONFLICT, message);
    }
}
