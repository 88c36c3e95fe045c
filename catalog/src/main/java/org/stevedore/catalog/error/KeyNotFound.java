package org.stevedore.catalog.error;

/** A metadata key, RSE attribute or limit that is not set. */
public class KeyNotFound extends StevedoreException {
    public KeyNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
