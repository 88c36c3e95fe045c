package org.stevedore.rules.error;

import org.stevedore.catalog.error.StevedoreException;

/** Fewer eligible RSEs than the rule asks copies. */
public class InsufficientTargetRSEs extends StevedoreException {
    public InsufficientTargetRSEs(String message) {
        super(Kind.CONFLICT, message);
    }
}
