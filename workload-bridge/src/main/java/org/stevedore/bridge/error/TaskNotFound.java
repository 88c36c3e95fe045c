package org.stevedore.bridge.error;

import org.stevedore.catalog.error.StevedoreException;

/** A workload bridge task id that does not exist. */
public class TaskNotFound extends StevedoreException {
    public TaskNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
