package org.stevedore.catalog.error;

/** A rule whose parameters contradict each other or the model. */
public class InvalidReplicationRule extends StevedoreException {
    public InvalidReplicationRule(String message) {
        super(Kind.CONFLICT, message);
    }
}
