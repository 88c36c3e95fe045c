package org.stevedore.web.config;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The event outbox's purge, under {@code stevedore.outbox.*}. */
@Validated
@ConfigurationProperties("stevedore.outbox")
public class OutboxProperties {

    /** Whether this process purges the outbox (the first purger worker of all instances does it). */
    private boolean purgeEnabled = true;
    /** Events older than this are deleted whatever the consumers' positions. */
    private Duration retention = Duration.ofDays(7);
    /** A consumer whose position has not moved for this long no longer holds events back. */
    private Duration consumerTimeout = Duration.ofDays(1);
    /** Events this far behind the slowest live consumer's position are kept (it reads a window again). */
    private Duration keepBehind = Duration.ofMinutes(10);
    /** Events deleted per transaction. */
    @Min(1)
    private int purgeBatch = 1_000;
    /** Sleep of the purger when it found nothing to delete (below the daemons' 60 s heartbeat timeout). */
    private Duration purgeInterval = Duration.ofSeconds(30);

    public boolean isPurgeEnabled() {
        return purgeEnabled;
    }

    public void setPurgeEnabled(boolean purgeEnabled) {
        this.purgeEnabled = purgeEnabled;
    }

    public Duration getRetention() {
        return retention;
    }

    public void setRetention(Duration retention) {
        this.retention = retention;
    }

    public Duration getConsumerTimeout() {
        return consumerTimeout;
    }

    public void setConsumerTimeout(Duration consumerTimeout) {
        this.consumerTimeout = consumerTimeout;
    }

    public Duration getKeepBehind() {
        return keepBehind;
    }

    public void setKeepBehind(Duration keepBehind) {
        this.keepBehind = keepBehind;
    }

    public int getPurgeBatch() {
        return purgeBatch;
    }

    public void setPurgeBatch(int purgeBatch) {
        this.purgeBatch = purgeBatch;
    }

    public Duration getPurgeInterval() {
        return purgeInterval;
    }

    public void setPurgeInterval(Duration purgeInterval) {
        this.purgeInterval = purgeInterval;
    }
}
