package org.stevedore.transfer.tool;

/** The state of a tool job, reduced to what the poller and finisher act on. */
public enum JobState {
    SUBMITTED, STAGING, ACTIVE,
    FINISHED,
    /** Terminal with some files finished and some failed; look at the files. */
    FINISHEDDIRTY,
    FAILED, CANCELED,
    /** The tool no longer knows the job anywhere: its requests must be queued again. */
    LOST,
    /**
     * The job died with the tool's process (a crash or a restart of the service that ran it), before any of its
     * files reached an end: its requests are queued again, and the crash is not counted as an attempt.
     */
    INTERRUPTED;

    public boolean terminal() {
        return this != SUBMITTED && this != STAGING && this != ACTIVE;
    }
}
