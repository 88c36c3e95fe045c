package org.stevedore.catalog.error;

/** An account that does not exist. */
public class AccountNotFound extends StevedoreException {
    public AccountNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
