package org.stevedore.web.config.bridge;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The workload bridge's settings, under {@code stevedore.bridge.*}. */
@Validated
@ConfigurationProperties("stevedore.bridge")
public class BridgeProperties {

    /** Scope of the tasks' own datasets (on which their pin rules sit); created on first use. */
    @NotBlank
    private String scope = "bridge";
    /** Owner of that scope. */
    @NotBlank
    private String serviceAccount = "root";
    /** Activity of the pin rules and their transfers. */
    @NotBlank
    private String activity = "Workload Bridge";
    /** A task's lease (pin lifetime) when its registration gives none. */
    private Duration defaultPinLifetime = Duration.ofDays(1);
    /** A task's calls renew its lease at most this often. */
    private Duration leaseRefreshEvery = Duration.ofMinutes(1);
    @Min(1)
    private int maxJobsPerTask = 100_000;
    /** Jobs per page of the feed. */
    @Min(1)
    private int feedLimit = 1_000;
    /** The longest long-poll ({@code wait=}). */
    private Duration maxWait = Duration.ofSeconds(60);
    /** Long-polls waiting at once; beyond that they answer at once. */
    @Min(1)
    private int maxWaiters = 64;
    /** How often the release worker reads the outbox (finishes in other instances). */
    private Duration outboxPoll = Duration.ofSeconds(2);
    /** How far behind its position the outbox is read again (transactions that committed late). */
    private Duration outboxOverlap = Duration.ofSeconds(60);
    /** How often every HELD job is checked (replicas registered directly, expressions that changed). */
    private Duration fullCheck = Duration.ofSeconds(30);
    /** How often abandoned tasks are looked for. */
    private Duration leaseCheck = Duration.ofSeconds(30);

    public String getScope() {
        return scope;
    }

    public void setScope(String scope) {
        this.scope = scope;
    }

    public String getServiceAccount() {
        return serviceAccount;
    }

    public void setServiceAccount(String serviceAccount) {
        this.serviceAccount = serviceAccount;
    }

    public String getActivity() {
        return activity;
    }

    public void setActivity(String activity) {
        this.activity = activity;
    }

    public Duration getDefaultPinLifetime() {
        return defaultPinLifetime;
    }

    public void setDefaultPinLifetime(Duration defaultPinLifetime) {
        this.defaultPinLifetime = defaultPinLifetime;
    }

    public Duration getLeaseRefreshEvery() {
        return leaseRefreshEvery;
    }

    public void setLeaseRefreshEvery(Duration leaseRefreshEvery) {
        this.leaseRefreshEvery = leaseRefreshEvery;
    }

    public int getMaxJobsPerTask() {
        return maxJobsPerTask;
    }

    public void setMaxJobsPerTask(int maxJobsPerTask) {
        this.maxJobsPerTask = maxJobsPerTask;
    }

    public int getFeedLimit() {
        return feedLimit;
    }

    public void setFeedLimit(int feedLimit) {
        this.feedLimit = feedLimit;
    }

    public Duration getMaxWait() {
        return maxWait;
    }

    public void setMaxWait(Duration maxWait) {
        this.maxWait = maxWait;
    }

    public int getMaxWaiters() {
        return maxWaiters;
    }

    public void setMaxWaiters(int maxWaiters) {
        this.maxWaiters = maxWaiters;
    }

    public Duration getOutboxPoll() {
        return outboxPoll;
    }

    public void setOutboxPoll(Duration outboxPoll) {
        this.outboxPoll = outboxPoll;
    }

    public Duration getOutboxOverlap() {
        return outboxOverlap;
    }

    public void setOutboxOverlap(Duration outboxOverlap) {
        this.outboxOverlap = outboxOverlap;
    }

    public Duration getFullCheck() {
        return fullCheck;
    }

    public void setFullCheck(Duration fullCheck) {
        this.fullCheck = fullCheck;
    }

    public Duration getLeaseCheck() {
        return leaseCheck;
    }

    public void setLeaseCheck(Duration leaseCheck) {
        this.leaseCheck = leaseCheck;
    }
}
