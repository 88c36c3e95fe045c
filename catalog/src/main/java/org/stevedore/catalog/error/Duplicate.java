package org.stevedore.catalog.error;

/** Something unique (account, scope, RSE, protocol, distance, identity) added twice. */
public class Duplicate extends StevedoreException {
    public Duplicate(String message) {
        super(Kind.CONFLICT, message);
    }
}
