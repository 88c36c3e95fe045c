package org.stevedore.web.config.recovery;

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
 * Declarations about replicas and their recovery, under {@code stevedore.recovery.*}
 * ({@code STEVEDORE_RECOVERY_...}).
 *
 * @param enabled             whether this process runs the recovery worker ({@code necromancer})
 * @param suspiciousThreshold declarations as SUSPICIOUS within the window that make a replica BAD
 * @param suspiciousWindow    how far back SUSPICIOUS declarations count
 * @param batchSize           declarations resolved per cycle (one catalog transaction)
 * @param idleSleep           sleep after a cycle that found nothing to do; below the heartbeat timeout (60 s)
 */
@Validated
@ConfigurationProperties("stevedore.recovery")
public record RecoveryProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("3") @Min(1) @Max(1000) int suspiciousThreshold,
        @DefaultValue("3d") @NotNull Duration suspiciousWindow,
        @DefaultValue("100") @Min(1) @Max(10_000) int batchSize,
        @DefaultValue("30s") @NotNull Duration idleSleep) implements Validator {

    @Override
    public boolean supports(Class<?> type) {
        return RecoveryProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        RecoveryProperties p = (RecoveryProperties) target;
        if (p.idleSleep != null && (p.idleSleep.isNegative() || p.idleSleep.isZero()
                || p.idleSleep.compareTo(HeartbeatStore.DEFAULT_TIMEOUT) >= 0)) {
            errors.rejectValue("idleSleep", "range", "stevedore.recovery.idle-sleep must be positive and below the "
                    + "daemons' heartbeat timeout (" + HeartbeatStore.DEFAULT_TIMEOUT.toSeconds() + "s), got "
                    + p.idleSleep);
        }
        if (p.suspiciousWindow != null && (p.suspiciousWindow.isNegative() || p.suspiciousWindow.isZero())) {
            errors.rejectValue("suspiciousWindow", "range", "stevedore.recovery.suspicious-window must be positive, got "
                    + p.suspiciousWindow);
        }
    }
}
