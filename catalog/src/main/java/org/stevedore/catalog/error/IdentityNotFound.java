package org.stevedore.catalog.error;

/** An identity, or its mapping to an account, that does not exist. */
public class IdentityNotFound extends StevedoreException {
    public IdentityNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
