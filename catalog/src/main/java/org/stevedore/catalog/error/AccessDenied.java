package org.stevedore.catalog.error;

/** A known identity without the permission for an action. */
public class AccessDenied extends StevedoreException {
    public AccessDenied(String message) {
        super(Kind.FORBIDDEN, message);
    }
}
