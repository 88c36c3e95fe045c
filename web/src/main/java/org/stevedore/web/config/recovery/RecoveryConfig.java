package org.stevedore.web.config.recovery;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.replica.BadReplicaStore;
import org.stevedore.catalog.store.Store;

/** Declarations about replicas and their recovery: {@code stevedore.recovery.*}. */
@Configuration(proxyBeanMethods = false)
public class RecoveryConfig {

    @Bean
    BadReplicaStore badReplicaStore(Store store, Clock clock, RecoveryProperties properties) {
        return new BadReplicaStore(store, clock, new BadReplicaStore.Settings(properties.suspiciousThreshold(),
                properties.suspiciousWindow()));
    }
}
