package org.stevedore.catalog.error;

/** An operation the target's state forbids, such as attaching to a closed dataset. */
public class UnsupportedOperation extends StevedoreException {
    public UnsupportedOperation(String message) {
        super(Kind.CONFLICT, message);
    }
}
