package org.stevedore.catalog.error;

/** A scope that does not exist. */
public class ScopeNotFound extends StevedoreException {
    public ScopeNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
