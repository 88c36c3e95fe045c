package org.stevedore.catalog.error;

/** A DID registered twice. */
public class DataIdentifierAlreadyExists extends StevedoreException {
    public DataIdentifierAlreadyExists(String message) {
        super(Kind.CONFLICT, message);
    }
}
