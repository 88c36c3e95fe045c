package org.stevedore.web.config.bridge;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The workload bridge's webhook sender, under {@code stevedore.bridge.webhooks.*}. */
@Validated
@ConfigurationProperties("stevedore.bridge.webhooks")
public class WebhookProperties {

    /** Whether this process runs sender threads (deliveries are written either way). */
    private boolean enabled = true;
    /** Sender threads in this process; deliveries are split among all live senders by task. */
    @Min(1)
    @Max(64)
    private int threads = 1;
    /** How often an idle sender looks for due deliveries; releases in this process wake it at once. */
    @NotNull
    private Duration pollInterval = Duration.ofSeconds(2);
    @NotNull
    private Duration connectTimeout = Duration.ofSeconds(5);
    /** How long a consumer may take to answer before the attempt counts as failed and is retried. */
    @NotNull
    private Duration requestTimeout = Duration.ofSeconds(10);
    /** First wait before a retry; doubles per attempt up to {@code retry-max}, with jitter. */
    @NotNull
    private Duration retryBase = Duration.ofSeconds(2);
    @NotNull
    private Duration retryMax = Duration.ofMinutes(10);
    /** Attempts before a delivery that keeps failing is given up (FAILED). */
    @Min(1)
    private int maxAttempts = 15;
    /** Deliveries a sender claims and sends concurrently per cycle. */
    @Min(1)
    @Max(1000)
    private int batch = 50;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getThreads() {
        return threads;
    }

    public void setThreads(int threads) {
        this.threads = threads;
    }

    public Duration getPollInterval() {
        return pollInterval;
    }

    public void setPollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getRetryBase() {
        return retryBase;
    }

    public void setRetryBase(Duration retryBase) {
        this.retryBase = retryBase;
    }

    public Duration getRetryMax() {
        return retryMax;
    }

    public void setRetryMax(Duration retryMax) {
        this.retryMax = retryMax;
    }

    public int getMaxAttempts() {
        return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public int getBatch() {
        return batch;
    }

    public void setBatch(int batch) {
        this.batch = batch;
    }
}
