package org.stevedore.web.config.transfer;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The conveyor's throttler, under {@code stevedore.throttler.*}; the limits themselves live in the catalog. */
@Validated
@ConfigurationProperties("stevedore.throttler")
public class ThrottlerProperties {

    /** How long the throttler sleeps when a cycle released nothing. */
    @NotNull
    private Duration interval = Duration.ofSeconds(1);
    /** Waiting requests looked at per limited RSE and cycle. */
    @Min(1)
    private int batch = 1000;
    /** How often WAITING requests whose limit was removed are looked for. */
    @NotNull
    private Duration sweepInterval = Duration.ofMinutes(1);

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    public int getBatch() {
        return batch;
    }

    public void setBatch(int batch) {
        this.batch = batch;
    }

    public Duration getSweepInterval() {
        return sweepInterval;
    }

    public void setSweepInterval(Duration sweepInterval) {
        this.sweepInterval = sweepInterval;
    }
}
