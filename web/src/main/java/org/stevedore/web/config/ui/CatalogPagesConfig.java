package org.stevedore.web.config.ui;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.did.DidBrowsing;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.store.RuleBrowsing;

/** The paged reads behind the UI's DID and rule pages (the API streams whole lists; a page reads one page). */
@Configuration(proxyBeanMethods = false)
public class CatalogPagesConfig {

    @Bean
    DidBrowsing didBrowsing(Store store) {
        return new DidBrowsing(store);
    }

    @Bean
    RuleBrowsing ruleBrowsing(Store store) {
        return new RuleBrowsing(store);
    }
}
