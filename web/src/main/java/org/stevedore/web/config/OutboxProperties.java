package org.stevedore.web.config;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The event outbox's purge, under {@code stevedore.outbox.*}.
 *
 * @param purgeEnabled    whether this process purges the outbox (the first purger worker of all instances does it)
 * @param retention       events older than this are deleted whatever the consumers' positions
 * @param consumerTimeout a consumer whose position has not moved for this long no longer holds events back
 * @param keepBehind      events this far behind the slowest live consumer's position are kept (it reads a window
 *                        again)
 * @param purgeBatch      events deleted per transaction
 * @param purgeInterval   sleep of the purger when it found nothing to delete (below the daemons' 60 s heartbeat
 *                        timeout)
 */
@Validated
@ConfigurationProperties("stevedore.outbox")
public record OutboxProperties(
        @DefaultValue("true") boolean purgeEnabled,
        @DefaultValue("7d") Duration retention,
        @DefaultValue("1d") Duration consumerTimeout,
        @DefaultValue("10m") Duration keepBehind,
        @DefaultValue("1000") @Min(1) int purgeBatch,
        @DefaultValue("30s") Duration purgeInterval) {
}
