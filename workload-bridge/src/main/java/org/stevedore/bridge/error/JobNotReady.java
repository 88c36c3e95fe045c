package org.stevedore.bridge.error;

import org.stevedore.bridge.store.BlockingStore.Holding;
import org.stevedore.catalog.error.StevedoreException;

/**
 * A job that exists but is not released yet: not found as a ready job, which is what pollers such as Airflow's
 * HttpSensor take for "not yet". Carries what holds it ({@link #holding()}: its inputs not yet on disk and why) and its
 * task's state, so the answer can say it.
 */
public class JobNotReady extends StevedoreException {

    private final String jobState;
    private final String taskState;
    private final transient Holding holding;

    public JobNotReady(String message) {
        this(Kind.NOT_FOUND, message, null, null, null);
    }

    public JobNotReady(String message, String jobState, String taskState, Holding holding) {
        this(Kind.NOT_FOUND, message, jobState, taskState, holding);
    }

    protected JobNotReady(Kind kind, String message, String jobState, String taskState, Holding holding) {
        super(kind, message);
        this.jobState = jobState;
        this.taskState = taskState;
        this.holding = holding;
    }

    public String jobState() {
        return jobState;
    }

    public String taskState() {
        return taskState;
    }

    /** The inputs that hold the job (null when not known). */
    public Holding holding() {
        return holding;
    }
}
