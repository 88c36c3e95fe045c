package org.stevedore.transfer.fts;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import org.stevedore.catalog.daemon.Backoff;

/**
 * Settings of one FTS3 server's client.
 *
 * @param endpoint               the REST endpoint, e.g. {@code https://fts3.example.org:8446}
 * @param maxFilesPerJob         files per FTS job; a bigger transfer job is split (the server's optimizer wants
 *                               bulk jobs, not thousands of tiny ones)
 * @param maxJobsPerQuery        job ids per bulk status request, which keeps URLs of a sane length
 * @param maxAttempts            attempts per HTTP call for connection errors, timeouts and 5xx (1 = no retry)
 * @param backoff                the wait between those attempts
 * @param connectTimeout         TCP/TLS connect timeout
 * @param readTimeout            read timeout; a submission that times out is resubmitted, which is safe
 * @param delegationRenewBefore  re-delegate when the delegated proxy has less than this left (FTS refuses
 *                               submissions with 419 under one hour, so keep this above)
 * @param delegatedProxyLifetime lifetime asked for a delegated proxy (cut to the signing chain's own expiry)
 * @param maxTimeInQueue         FTS {@code max_time_in_queue}: a string with s/m/h/d suffix
 * @param issuer                 recorded as {@code job_metadata.issuer}
 */
public record Fts3Config(URI endpoint, int maxFilesPerJob, int maxJobsPerQuery, int maxAttempts, Backoff backoff,
                         Duration connectTimeout, Duration readTimeout, Duration delegationRenewBefore,
                         Duration delegatedProxyLifetime, String maxTimeInQueue, String issuer) {

    public Fts3Config {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(backoff, "backoff");
        if (maxFilesPerJob < 1) {
            throw new IllegalArgumentException("fts.max-files-per-job must be at least 1, got " + maxFilesPerJob);
        }
        if (maxJobsPerQuery < 1) {
            throw new IllegalArgumentException("fts.max-jobs-per-query must be at least 1, got " + maxJobsPerQuery);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("fts.max-attempts must be at least 1, got " + maxAttempts);
        }
        if (delegatedProxyLifetime.compareTo(delegationRenewBefore) <= 0) {
            throw new IllegalArgumentException("fts.delegated-proxy-lifetime " + delegatedProxyLifetime
                    + " must exceed fts.delegation-renew-before " + delegationRenewBefore);
        }
    }

    /** 200 files per job, 100 jobs per query, 5 attempts from 1 s to 30 s, 12 h proxies renewed 2 h ahead. */
    public static Fts3Config defaults(URI endpoint) {
        return new Fts3Config(endpoint, 200, 100, 5, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)),
                Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofHours(2), Duration.ofHours(12), "6h",
                "stevedore");
    }

    /** The same settings for another server (one template serves every FTS URL the RSEs name). */
    public Fts3Config withEndpoint(URI other) {
        return new Fts3Config(other, maxFilesPerJob, maxJobsPerQuery, maxAttempts, backoff, connectTimeout,
                readTimeout, delegationRenewBefore, delegatedProxyLifetime, maxTimeInQueue, issuer);
    }

    public Fts3Config withMaxFilesPerJob(int files) {
        return new Fts3Config(endpoint, files, maxJobsPerQuery, maxAttempts, backoff, connectTimeout, readTimeout,
                delegationRenewBefore, delegatedProxyLifetime, maxTimeInQueue, issuer);
    }

    public Fts3Config withMaxJobsPerQuery(int jobs) {
        return new Fts3Config(endpoint, maxFilesPerJob, jobs, maxAttempts, backoff, connectTimeout, readTimeout,
                delegationRenewBefore, delegatedProxyLifetime, maxTimeInQueue, issuer);
    }

    public Fts3Config withRetry(int attempts, Backoff newBackoff) {
        return new Fts3Config(endpoint, maxFilesPerJob, maxJobsPerQuery, attempts, newBackoff, connectTimeout,
                readTimeout, delegationRenewBefore, delegatedProxyLifetime, maxTimeInQueue, issuer);
    }

    public Fts3Config withDelegation(Duration renewBefore, Duration proxyLifetime) {
        return new Fts3Config(endpoint, maxFilesPerJob, maxJobsPerQuery, maxAttempts, backoff, connectTimeout,
                readTimeout, renewBefore, proxyLifetime, maxTimeInQueue, issuer);
    }

    public Fts3Config withJobDefaults(String newMaxTimeInQueue, String newIssuer) {
        return new Fts3Config(endpoint, maxFilesPerJob, maxJobsPerQuery, maxAttempts, backoff, connectTimeout,
                readTimeout, delegationRenewBefore, delegatedProxyLifetime, newMaxTimeInQueue, newIssuer);
    }

    public Fts3Config withTimeouts(Duration connect, Duration read) {
        return new Fts3Config(endpoint, maxFilesPerJob, maxJobsPerQuery, maxAttempts, backoff, connect, read,
                delegationRenewBefore, delegatedProxyLifetime, maxTimeInQueue, issuer);
    }
}
