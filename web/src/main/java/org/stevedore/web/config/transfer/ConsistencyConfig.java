package org.stevedore.web.config.transfer;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.replica.BadReplicaStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.transfer.consistency.ConsistencyCheck;
import org.stevedore.transfer.consistency.ConsistencyChecker;
import org.stevedore.transfer.consistency.ConsistencyRuns;
import org.stevedore.transfer.consistency.ConsistencyStore;
import org.stevedore.transfer.consistency.ListingSources;
import org.stevedore.transfer.storage.StorageProtocols;
import org.stevedore.transfer.storage.WebDavSettings;
import org.stevedore.web.config.DaemonConfig.DaemonLifecycle;

/** The consistency check of RSEs: {@code stevedore.consistency.*}. */
@Configuration(proxyBeanMethods = false)
public class ConsistencyConfig {

    @Bean
    ConsistencyStore consistencyStore(Store store) {
        return new ConsistencyStore(store);
    }

    @Bean
    ConsistencyCheck consistencyCheck(ConsistencyStore store, BadReplicaStore declarations, RseProtocolStore protocols,
                                      StorageProtocols storage, Clock clock, ConsistencyProperties p) {
        return new ConsistencyCheck(store, declarations, protocols, storage, clock,
                new ConsistencyCheck.Settings(p.darkGrace(), p.deleteDark(), p.findingsKept(), 5_000));
    }

    /** Runs asked for over the API, in the background: up to two RSEs at once. */
    @Bean(destroyMethod = "close")
    ConsistencyRuns consistencyRuns(ConsistencyCheck check, ConsistencyStore store, Clock clock) {
        return new ConsistencyRuns(check, store, clock, 2);
    }

    /** Its WebDAV walks use the reaper's storage settings (the defaults, as {@code storageProtocols}). */
    @Bean(destroyMethod = "close")
    ListingSources listingSources(RseProtocolStore protocols, Clock clock, ConsistencyProperties p) {
        Path dumps = p.dumpDirectory() == null || p.dumpDirectory().isBlank() ? null : Path.of(p.dumpDirectory());
        return new ListingSources(protocols, dumps, Path.of(System.getProperty("java.io.tmpdir")), clock,
                WebDavSettings.defaults());
    }

    @Bean
    @ConditionalOnProperty(name = "stevedore.consistency.enabled", matchIfMissing = true)
    DaemonLifecycle consistencyDaemon(RseStore rses, ConsistencyStore store, ConsistencyCheck check,
                                      ListingSources sources, Clock clock, HeartbeatStore heartbeats,
                                      ConsistencyProperties p) {
        return new DaemonLifecycle(List.of(new Daemon(List.of(new ConsistencyChecker(rses, store, check, sources,
                clock, p.every())), heartbeats, DaemonSettings.defaults().withIdleSleep(Duration.ofSeconds(30))
                .withStopTimeout(Duration.ofSeconds(5)))));
    }
}
