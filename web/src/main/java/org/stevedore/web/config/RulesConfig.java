package org.stevedore.web.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.rules.expression.RseExpressionResolver;

/** The rules engine's components. */
@Configuration(proxyBeanMethods = false)
public class RulesConfig {

    @Bean
    RseExpressionResolver rseExpressionResolver(RseStore rses) {
        return new RseExpressionResolver(rses);
    }
}
