package org.stevedore.web.config.monitoring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The metrics under {@code stevedore.metrics.*} (docs/metrics.md).
 *
 * @param stateRefresh how old the requests, rules and locks by state may be: they are counted in the store at most
 *                     once per this interval, however often the endpoint is scraped
 */
@Validated
@ConfigurationProperties("stevedore.metrics")
public record MetricsProperties(@DefaultValue("15s") Duration stateRefresh) {
}
