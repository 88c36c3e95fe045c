package org.stevedore.rules.error;

import org.stevedore.catalog.error.StevedoreException;

/** A rule with the same DID, account, RSE expression and copies exists. */
public class DuplicateRule extends StevedoreException {
    public DuplicateRule(String message) {
        super(Kind.CONFLICT, message);
    }
}
