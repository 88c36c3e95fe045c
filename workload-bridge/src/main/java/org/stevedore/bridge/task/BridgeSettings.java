package org.stevedore.bridge.task;

import java.time.Duration;

/**
 * Settings of the workload bridge.
 *
 * @param scope              the scope of the tasks' own datasets (created for {@code serviceAccount} when missing)
 * @param serviceAccount     owner of that scope
 * @param activity           the activity of the pin rules (and so of their transfers)
 * @param defaultPinLifetime a task's lease when it does not say
 * @param leaseRefreshEvery  calls of a task renew its lease at most this often (each renewal is a write)
 * @param maxJobsPerTask     larger registrations are refused
 * @param feedLimit          jobs per page of the feed
 * @param maxWait            the longest long-poll
 * @param maxWaiters         long-polls waiting at once; more answer at once
 */
public record BridgeSettings(String scope, String serviceAccount, String activity, Duration defaultPinLifetime,
                             Duration leaseRefreshEvery, int maxJobsPerTask, int feedLimit, Duration maxWait,
                             int maxWaiters) {

    public static BridgeSettings defaults() {
        return new BridgeSettings("bridge", "root", "Workload Bridge", Duration.ofDays(1), Duration.ofMinutes(1),
                100_000, 1_000, Duration.ofSeconds(60), 64);
    }

    public BridgeSettings withServiceAccount(String account) {
        return new BridgeSettings(scope, account, activity, defaultPinLifetime, leaseRefreshEvery, maxJobsPerTask,
                feedLimit, maxWait, maxWaiters);
    }
}
