package org.stevedore.web.config;

import java.nio.file.Path;
import java.time.Clock;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.ReplicaAvailability;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseLimitStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseUsageStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.StoreSettings;
import org.stevedore.web.bootstrap.LocalRses;
import org.stevedore.web.bootstrap.StartupSummary;

/** The catalog store and its per-feature stores. */
@Configuration(proxyBeanMethods = false)
public class CatalogConfig {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    Store store(StevedoreProperties properties) {
        StevedoreProperties.Neo4j neo4j = properties.neo4j();
        return Store.open(new StoreSettings(
                neo4j.uri(),
                neo4j.username(),
                neo4j.password(),
                neo4j.database(),
                properties.dataDir().resolve("neo4j"),
                neo4j.embeddedBoltPort(),
                neo4j.embeddedPageCache() == null ? 0 : neo4j.embeddedPageCache().toBytes(),
                neo4j.batchSize()));
    }

    /** The start-up line a newcomer reads: the API's URLs, root's password file, the catalog. */
    @Bean
    StartupSummary startupSummary(StevedoreProperties properties) {
        StevedoreProperties.Neo4j neo4j = properties.neo4j();
        String store = neo4j.uri() == null || neo4j.uri().isBlank()
                ? "embedded Neo4j under " + properties.dataDir().resolve("neo4j").toAbsolutePath()
                : neo4j.uri() + " (database " + neo4j.database() + ")";
        Path passwords = properties.auth().rootPasswordFile() != null
                ? properties.auth().rootPasswordFile()
                : properties.dataDir().resolve("root-password");
        return new StartupSummary(passwords, store);
    }

    @Bean
    DidStore didStore(Store store, Clock clock) {
        return new DidStore(store, clock);
    }

    @Bean
    UpdatedDidQueue updatedDidQueue(Store store) {
        return new UpdatedDidQueue(store);
    }

    @Bean
    AttachmentStore attachmentStore(Store store, Clock clock, UpdatedDidQueue queue) {
        return new AttachmentStore(store, clock, queue);
    }

    /**
     * The after-commit wake-up of replicas made AVAILABLE: the transfer finisher and direct registrations announce on
     * it, the workload bridge's release worker listens.
     */
    @Bean
    ReplicaAvailability replicaAvailability() {
        return new ReplicaAvailability();
    }

    @Bean
    ReplicaStore replicaStore(Store store, Clock clock, DidStore dids, AttachmentStore attachments,
                              ReplicaAvailability availability) {
        return new ReplicaStore(store, clock, dids, attachments, availability);
    }

    @Bean
    RseStore rseStore(Store store, Clock clock) {
        return new RseStore(store, clock);
    }

    @Bean
    RseProtocolStore rseProtocolStore(Store store) {
        return new RseProtocolStore(store);
    }

    @Bean
    RseDistanceStore rseDistanceStore(Store store, Clock clock) {
        return new RseDistanceStore(store, clock);
    }

    @Bean
    RseLimitStore rseLimitStore(Store store) {
        return new RseLimitStore(store);
    }

    @Bean
    RseUsageStore rseUsageStore(Store store, Clock clock) {
        return new RseUsageStore(store, clock);
    }

    /** The newcomer's grid on a fresh embedded store (see {@link LocalRses}), made before the web server opens. */
    @Bean
    SmartInitializingSingleton localRses(Store store, RseStore rses, RseProtocolStore protocols, RseDistanceStore distances,
                                StevedoreProperties properties) {
        return () -> {
            if (store.settings().isEmbedded() && properties.localRses()) {
                new LocalRses(rses, protocols, distances).createIfFresh(properties.dataDir().resolve("rses"));
            }
        };
    }
}
