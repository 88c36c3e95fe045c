package org.stevedore.web.config.monitoring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The health checks under {@code stevedore.health.*} (docs/metrics.md).
 *
 * @param connectTimeout how long the check of a remote server (FTS, Tape REST) waits for a connection to open
 */
@Validated
@ConfigurationProperties("stevedore.health")
public record HealthProperties(@DefaultValue("3s") Duration connectTimeout) {
}
