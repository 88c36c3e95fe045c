package org.stevedore.bridge.error;

import org.stevedore.bridge.store.BlockingStore.Holding;

/**
 * A held job that nothing will release without someone acting: an input is lost, has no replica anywhere, or its copy
 * is stuck. A conflict rather than "not yet", so that a poller stops and tells instead of waiting for ever.
 */
public class JobBlocked extends JobNotReady {
    public JobBlocked(String message, String jobState, String taskState, Holding holding) {
        super(Kind.CONFLICT, message, jobState, taskState, holding);
    }
}
