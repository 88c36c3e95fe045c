package org.stevedore.tape.endpoint;

/** A file's state within a stage request, as the Tape REST API names it. */
public enum StageState {
    SUBMITTED, STARTED, COMPLETED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
