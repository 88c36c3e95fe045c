package org.stevedore.catalog.error;

/** An RSE name that is not registered (or was deleted). */
public class RSENotFound extends StevedoreException {
    public RSENotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
