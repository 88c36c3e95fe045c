package org.stevedore.bridge.error;

import org.stevedore.catalog.error.StevedoreException;

/**
 * A job that exists but is not released yet: not found as a ready job, which is what pollers such as Airflow's
 * HttpSensor take for "not yet".
 */
public class JobNotReady extends StevedoreException {
    public JobNotReady(String message) {
        super(Kind.NOT_FOUND, message);
    }
}
