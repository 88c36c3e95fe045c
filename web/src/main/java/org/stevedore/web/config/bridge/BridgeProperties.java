package org.stevedore.web.config.bridge;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The workload bridge's settings, under {@code stevedore.bridge.*}. Bound once through the constructor and checked
 * before any bean uses them, so a bad value stops start-up naming the property.
 *
 * @param scope              scope of the tasks' own datasets (on which their pin rules sit); created on first use
 * @param serviceAccount     owner of that scope
 * @param activity           activity of the pin rules and their transfers
 * @param defaultPinLifetime a task's lease (pin lifetime) when its registration gives none
 * @param leaseRefreshEvery  a task's calls renew its lease at most this often
 * @param maxJobsPerTask     jobs one task may hold
 * @param feedLimit          jobs per page of the feed
 * @param maxWait            the longest long-poll ({@code wait=})
 * @param maxWaiters         long-polls waiting at once; beyond that they answer at once
 * @param outboxPoll         how often the release worker reads the outbox (finishes in other instances)
 * @param outboxOverlap      how far behind its position the outbox is read again (transactions that committed late)
 * @param fullCheck          how often every HELD job is checked (replicas registered directly, expressions that changed)
 * @param leaseCheck         how often abandoned tasks are looked for
 * @param streamPoll         how often streaming tasks look for files newly attached to their inputs
 * @param streamMaxFiles     files one look at one streaming task turns into jobs at most (the rest at the next look)
 */
@Validated
@ConfigurationProperties("stevedore.bridge")
public record BridgeProperties(
        @DefaultValue("bridge") @NotBlank String scope,
        @DefaultValue("root") @NotBlank String serviceAccount,
        @DefaultValue("Workload Bridge") @NotBlank String activity,
        @DefaultValue("1d") Duration defaultPinLifetime,
        @DefaultValue("1m") Duration leaseRefreshEvery,
        @DefaultValue("100000") @Min(1) int maxJobsPerTask,
        @DefaultValue("1000") @Min(1) int feedLimit,
        @DefaultValue("60s") Duration maxWait,
        @DefaultValue("64") @Min(1) int maxWaiters,
        @DefaultValue("2s") Duration outboxPoll,
        @DefaultValue("60s") Duration outboxOverlap,
        @DefaultValue("30s") Duration fullCheck,
        @DefaultValue("30s") Duration leaseCheck,
        @DefaultValue("2s") Duration streamPoll,
        @DefaultValue("10000") @Min(1) int streamMaxFiles) {
}
