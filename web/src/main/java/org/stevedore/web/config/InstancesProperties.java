package org.stevedore.web.config;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * How the service's instances tell each other apart and alive, under {@code stevedore.instances.*}
 * ({@code STEVEDORE_INSTANCES_...}). The same on every instance of a deployment: instances that disagree on the
 * timeout disagree on who is alive, and so on who owns what.
 *
 * @param heartbeatTimeout how long a worker may go without a heartbeat before the other instances count it dead and
 *                         take its partitions, its in-process copies and its campaigns over. Longer than every wait
 *                         of a worker between two beats (its idle sleep, at most 30 s, and its back-off, up to 30 s),
 *                         or a sleeping worker would look dead; at most an hour, or a dead instance's work would wait
 *                         that long
 */
@Validated
@ConfigurationProperties(InstancesProperties.PREFIX)
public record InstancesProperties(@DefaultValue("60s") @NotNull Duration heartbeatTimeout) implements Validator {

    public static final String PREFIX = "stevedore.instances";
    /** Above the longest fixed wait of the service's workers between beats (30 s). */
    public static final Duration MIN_HEARTBEAT_TIMEOUT = Duration.ofSeconds(31);
    public static final Duration MAX_HEARTBEAT_TIMEOUT = Duration.ofHours(1);

    @Override
    public boolean supports(Class<?> type) {
        return InstancesProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        Duration timeout = ((InstancesProperties) target).heartbeatTimeout;
        if (timeout != null && (timeout.compareTo(MIN_HEARTBEAT_TIMEOUT) < 0
                || timeout.compareTo(MAX_HEARTBEAT_TIMEOUT) > 0)) {
            errors.rejectValue("heartbeatTimeout", "range", PREFIX + ".heartbeat-timeout must be between "
                    + MIN_HEARTBEAT_TIMEOUT.toSeconds() + "s (above the workers' longest wait between heartbeats, 30s)"
                    + " and " + MAX_HEARTBEAT_TIMEOUT.toSeconds() + "s, got " + timeout.toSeconds() + "s");
        }
    }
}
