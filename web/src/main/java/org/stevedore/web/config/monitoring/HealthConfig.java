package org.stevedore.web.config.monitoring;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.tape.rest.RseTapeEndpoints;
import org.stevedore.web.config.DaemonConfig.DaemonLifecycle;
import org.stevedore.web.health.RemoteEndpointsHealth;
import org.stevedore.web.health.WorkersHealth;

/**
 * Health components beyond the catalog store's ({@code catalog}): this process's workers ({@code workers}, in the
 * readiness group) and the remote servers in use ({@code fts}, {@code tape}, in the {@code remote} group only); see
 * docs/metrics.md for the groups and why.
 */
@Configuration(proxyBeanMethods = false)
public class HealthConfig {

    @Bean("workers")
    WorkersHealth workersHealth(ObjectProvider<DaemonLifecycle> lifecycles, HeartbeatStore heartbeats, Clock clock) {
        return new WorkersHealth(() -> lifecycles.orderedStream().filter(DaemonLifecycle::isRunning)
                .flatMap(l -> l.daemons().stream()).toList(), heartbeats, clock);
    }

    @Bean("fts")
    RemoteEndpointsHealth ftsHealth(Store store, HealthProperties properties) {
        return new RemoteEndpointsHealth(() -> attributeValues(store, "fts"), properties.connectTimeout());
    }

    @Bean("tape")
    RemoteEndpointsHealth tapeHealth(Store store, HealthProperties properties) {
        return new RemoteEndpointsHealth(() -> attributeValues(store, RseTapeEndpoints.ATTRIBUTE),
                properties.connectTimeout());
    }

    /** The distinct values of one attribute over the RSEs: the servers in use. */
    private static List<String> attributeValues(Store store, String attribute) {
        return store.read(tx -> tx.run("""
                MATCH (r:Rse) WHERE r[$key] IS NOT NULL
                RETURN DISTINCT toString(r[$key]) AS url ORDER BY url
                """, Map.of("key", "attr:" + attribute)).list(r -> r.get("url").asString()));
    }
}
