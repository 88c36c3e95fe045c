package org.stevedore.web.config.transfer;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The conveyor's throttler, under {@code stevedore.throttler.*}; the limits themselves live in the catalog.
 *
 * @param interval      how long the throttler sleeps when a cycle released nothing
 * @param batch         waiting requests looked at per limited RSE and cycle
 * @param sweepInterval how often WAITING requests whose limit was removed are looked for
 */
@Validated
@ConfigurationProperties("stevedore.throttler")
public record ThrottlerProperties(
        @DefaultValue("1s") @NotNull Duration interval,
        @DefaultValue("1000") @Min(1) int batch,
        @DefaultValue("1m") @NotNull Duration sweepInterval) {
}
