package org.stevedore.web.config.monitoring;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.store.Store;
import org.stevedore.web.metrics.StateGauges;

/**
 * Stevedore's metrics beyond what the modules record on Micrometer's global registry (docs/metrics.md): the gauges
 * of requests, rules and locks by state, bound to the application's registries by Spring Boot.
 */
@Configuration(proxyBeanMethods = false)
public class MetricsConfig {

    @Bean
    StateGauges stateGauges(Store store, Clock clock, MetricsProperties properties) {
        return new StateGauges(store, clock, properties.stateRefresh());
    }
}
