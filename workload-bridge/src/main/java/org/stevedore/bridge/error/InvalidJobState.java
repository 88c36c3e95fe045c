package org.stevedore.bridge.error;

import org.stevedore.catalog.error.StevedoreException;

/** A job end report that contradicts the job's state (already ended otherwise, or never released). */
public class InvalidJobState extends StevedoreException {
    public InvalidJobState(String message) {
        super(Kind.CONFLICT, message);
    }
}
