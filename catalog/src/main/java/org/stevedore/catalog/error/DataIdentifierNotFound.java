package org.stevedore.catalog.error;

/** A DID (scope:name) that does not exist. */
public class DataIdentifierNotFound extends StevedoreException {
    public DataIdentifierNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
