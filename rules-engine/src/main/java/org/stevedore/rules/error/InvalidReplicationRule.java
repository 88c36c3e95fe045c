package org.stevedore.rules.error;

import org.stevedore.catalog.error.StevedoreException;

/** A rule whose parameters contradict each other or the model. */
public class InvalidReplicationRule extends StevedoreException {
    public InvalidReplicationRule(String message) {
        super(Kind.CONFLICT, message);
    }
}
