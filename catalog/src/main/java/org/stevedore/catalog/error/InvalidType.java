package org.stevedore.catalog.error;

/** A type name (DID type, account type, RSE type) that does not exist. */
public class InvalidType extends StevedoreException {
    public InvalidType(String message) {
        super(Kind.INVALID, message);
    }
}
