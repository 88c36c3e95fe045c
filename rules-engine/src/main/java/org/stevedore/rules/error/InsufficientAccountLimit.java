package org.stevedore.rules.error;

import org.stevedore.catalog.error.StevedoreException;

/** The account's quota on the eligible RSEs cannot hold the rule. */
public class InsufficientAccountLimit extends StevedoreException {
    public InsufficientAccountLimit(String message) {
        super(Kind.CONFLICT, message);
    }
}
