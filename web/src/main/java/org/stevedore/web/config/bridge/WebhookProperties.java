package org.stevedore.web.config.bridge;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The workload bridge's webhook sender, under {@code stevedore.bridge.webhooks.*}.
 *
 * @param enabled        whether this process runs sender threads (deliveries are written either way)
 * @param threads        sender threads in this process; deliveries are split among all live senders by task
 * @param pollInterval   how often an idle sender looks for due deliveries; releases in this process wake it at once
 * @param connectTimeout how long connecting to a consumer may take
 * @param requestTimeout how long a consumer may take to answer before the attempt counts as failed and is retried
 * @param retryBase      first wait before a retry; doubles per attempt up to {@code retry-max}, with jitter
 * @param retryMax       the longest wait between retries
 * @param maxAttempts    attempts before a delivery that keeps failing is given up (FAILED)
 * @param batch          deliveries a sender claims and sends concurrently per cycle
 * @param allowedHosts   host names, addresses and networks (CIDR) webhooks may reach although they are internal
 *                       (loopback, private, link-local, this machine's own addresses, ...); empty: none
 */
@Validated
@ConfigurationProperties("stevedore.bridge.webhooks")
public record WebhookProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1") @Min(1) @Max(64) int threads,
        @DefaultValue("2s") @NotNull Duration pollInterval,
        @DefaultValue("5s") @NotNull Duration connectTimeout,
        @DefaultValue("10s") @NotNull Duration requestTimeout,
        @DefaultValue("2s") @NotNull Duration retryBase,
        @DefaultValue("10m") @NotNull Duration retryMax,
        @DefaultValue("15") @Min(1) int maxAttempts,
        @DefaultValue("50") @Min(1) @Max(1000) int batch,
        @DefaultValue List<String> allowedHosts) {
}
