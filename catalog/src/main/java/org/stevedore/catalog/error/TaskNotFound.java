package org.stevedore.catalog.error;

/** A workload bridge task id that does not exist. */
public class TaskNotFound extends StevedoreException {
    public TaskNotFound(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
