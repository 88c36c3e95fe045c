package org.stevedore.catalog.error;

/** Missing, wrong or expired credentials. */
public class CannotAuthenticate extends StevedoreException {
    public CannotAuthenticate(String message) {
        super(Kind.UNAUTHENTICATED, message);
    }
}
