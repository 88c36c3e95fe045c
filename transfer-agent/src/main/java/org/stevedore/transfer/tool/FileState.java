package org.stevedore.transfer.tool;

/** The state of one file of a tool job. */
public enum FileState {
    SUBMITTED, STAGING, ACTIVE, FINISHED, FAILED, CANCELED,
    /** An alternative source or hop that was never needed. */
    NOT_USED;

    public boolean terminal() {
        return this == FINISHED || this == FAILED || this == CANCELED || this == NOT_USED;
    }
}
