package org.stevedore.web.config.rules;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;
import org.stevedore.catalog.daemon.HeartbeatStore;

/** The undertaker (removal of expired DIDs), under {@code stevedore.undertaker.*} ({@code STEVEDORE_UNDERTAKER_...}). */
@Validated
@ConfigurationProperties("stevedore.undertaker")
public class UndertakerProperties implements Validator {

    /** Whether this process runs an undertaker. */
    private boolean enabled = true;
    /** Expired DIDs handled per cycle (one catalog transaction). */
    @Min(1)
    @Max(10_000)
    private int batchSize = 100;
    /** Sleep after a cycle that found nothing to do; below the heartbeat timeout (60 s). */
    @NotNull
    private Duration idleSleep = Duration.ofSeconds(30);
    /** How long a DID whose rule could not be removed is left alone. */
    @NotNull
    private Duration pause = Duration.ofMinutes(10);

    @Override
    public boolean supports(Class<?> type) {
        return UndertakerProperties.class.isAssignableFrom(type);
    }

    /** The daemon would refuse these at start-up too, but without naming the property. */
    @Override
    public void validate(Object target, Errors errors) {
        Duration sleep = ((UndertakerProperties) target).idleSleep;
        if (sleep != null && (sleep.isNegative() || sleep.isZero()
                || sleep.compareTo(HeartbeatStore.DEFAULT_TIMEOUT) >= 0)) {
            errors.rejectValue("idleSleep", "range", "stevedore.undertaker.idle-sleep must be positive and below the "
                    + "daemons' heartbeat timeout (" + HeartbeatStore.DEFAULT_TIMEOUT.toSeconds() + "s), got " + sleep);
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }

    public Duration getIdleSleep() {
        return idleSleep;
    }

    public void setIdleSleep(Duration idleSleep) {
        this.idleSleep = idleSleep;
    }

    public Duration getPause() {
        return pause;
    }

    public void setPause(Duration pause) {
        this.pause = pause;
    }
}
