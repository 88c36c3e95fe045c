package org.stevedore.catalog.error;

/** The store refused or failed an operation that should have worked. */
public class DatabaseException extends StevedoreException {
    public DatabaseException(String message) {
        super(Kind.UNAVAILABLE, message);
    }
}
