package org.stevedore.bridge.error;

import org.stevedore.catalog.error.StevedoreException;

/** A workload bridge job id that does not exist. */
public class JobNotFound extends StevedoreException {
    public JobNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
