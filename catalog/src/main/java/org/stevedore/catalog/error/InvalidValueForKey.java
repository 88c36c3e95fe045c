package org.stevedore.catalog.error;

/** A value that a key does not accept. */
public class InvalidValueForKey extends StevedoreException {
    public InvalidValueForKey(String message) {
        super(Kind.INVALID, message);
    }
}
