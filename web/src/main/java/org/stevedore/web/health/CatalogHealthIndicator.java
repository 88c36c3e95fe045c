package org.stevedore.web.health;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;
import org.stevedore.catalog.store.Store;

/** The catalog store answers a trivial query: the service can do its work. */
@Component("catalog")
public class CatalogHealthIndicator implements HealthIndicator {

    private final Store store;

    public CatalogHealthIndicator(Store store) {
        this.store = store;
    }

    @Override
    public Health health() {
        try {
            store.read(tx -> tx.run("RETURN 1").consume());
            return Health.up().withDetail("embedded", store.settings().isEmbedded()).build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
        }
    }

}
