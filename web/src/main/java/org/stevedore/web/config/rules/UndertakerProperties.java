package org.stevedore.web.config.rules;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;
import org.stevedore.catalog.daemon.HeartbeatStore;

/**
 * The undertaker (removal of expired DIDs), under {@code stevedore.undertaker.*} ({@code STEVEDORE_UNDERTAKER_...}).
 * Besides the bean-validation bounds it checks itself (Spring Boot runs a constructor-bound properties record's own
 * {@link Validator}).
 *
 * @param enabled   whether this process runs an undertaker
 * @param batchSize expired DIDs handled per cycle (one catalog transaction)
 * @param idleSleep sleep after a cycle that found nothing to do; below the heartbeat timeout (60 s)
 * @param pause     how long a DID whose rule could not be removed is left alone
 */
@Validated
@ConfigurationProperties("stevedore.undertaker")
public record UndertakerProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("100") @Min(1) @Max(10_000) int batchSize,
        @DefaultValue("30s") @NotNull Duration idleSleep,
        @DefaultValue("10m") @NotNull Duration pause) implements Validator {

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
}
