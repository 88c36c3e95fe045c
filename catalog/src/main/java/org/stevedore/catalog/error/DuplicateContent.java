package org.stevedore.catalog.error;

/** A DID already attached to the collection it is being attached to. */
public class DuplicateContent extends StevedoreException {
    public DuplicateContent(String message) {
        super(Kind.CONFLICT, message);
    }
}
