package org.stevedore.bridge.error;

/**
 * A job not to be run: cancelled or failed, or of a task cancelled or expired (its pins are going or gone). The REST
 * layer answers it 410 Gone with both states; as a state conflict it is also an {@link InvalidJobState}.
 */
public class JobGone extends InvalidJobState {

    private final String jobState;
    private final String taskState;

    public JobGone(String message, String jobState, String taskState) {
        super(message);
        this.jobState = jobState;
        this.taskState = taskState;
    }

    public String jobState() {
        return jobState;
    }

    public String taskState() {
        return taskState;
    }
}
