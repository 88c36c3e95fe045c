package org.stevedore.catalog.error;

/** A request body or parameter that is malformed or breaks a rule of the model. */
public class InvalidObject extends StevedoreException {
    public InvalidObject(String message) {
        super(Kind.INVALID, message);
    }
}
