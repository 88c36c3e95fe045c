package org.stevedore.catalog.account;

import org.stevedore.catalog.error.StevedoreException;

/**
 * An identity, or its mapping to an account, that does not exist. Rucio's class of the same name; it lives here
 * rather than in {@code catalog.error} only because this change was confined to the account package.
 */
public class IdentityNotFound extends StevedoreException {
    public IdentityNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
