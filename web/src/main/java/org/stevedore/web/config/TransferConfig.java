package org.stevedore.web.config;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.replica.ReaperStore;
import org.stevedore.catalog.replica.ReplicaAvailability;
import org.stevedore.catalog.request.RequestStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rule.RuleStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.transfer.conveyor.Poller;
import org.stevedore.transfer.conveyor.Submitter;
import org.stevedore.transfer.conveyor.TransferTools;
import org.stevedore.transfer.local.LocalCopier;
import org.stevedore.transfer.local.LocalTransferTool;
import org.stevedore.transfer.reaper.Reaper;
import org.stevedore.transfer.storage.StorageProtocols;
import org.stevedore.transfer.storage.WebDavSettings;
import org.stevedore.web.config.DaemonConfig.DaemonLifecycle;

/**
 * The transfer agent: requests, the transfer tools, the conveyor's submitter and poller, and the reaper. The local
 * tool serves RSEs without an {@code fts} attribute.
 */
@Configuration(proxyBeanMethods = false)
public class TransferConfig {

    /** Announces replicas made AVAILABLE on {@code availability} after each commit (the bridge's release worker). */
    @Bean
    RequestStore requestStore(Store store, Clock clock, RuleStore rules, ReplicaAvailability availability) {
        return new RequestStore(store, clock, rules, availability);
    }

    @Bean(destroyMethod = "close")
    LocalCopier localCopier() {
        return new LocalCopier(4);
    }

    @Bean
    TransferTools transferTools(LocalCopier copier) {
        return new TransferTools(Map.of(LocalTransferTool.HOST, new LocalTransferTool(copier)), LocalTransferTool.HOST);
    }

    @Bean(destroyMethod = "close")
    StorageProtocols storageProtocols() {
        return StorageProtocols.standard(WebDavSettings.defaults());
    }

    @Bean
    DaemonLifecycle reaperDaemon(Store store, Clock clock, RseProtocolStore protocols, StorageProtocols storage,
                                 HeartbeatStore heartbeats) {
        return new DaemonLifecycle(List.of(new Daemon(List.of(new Reaper(new ReaperStore(store, clock), protocols,
                storage, 500)), heartbeats, DaemonSettings.defaults().withIdleSleep(Duration.ofSeconds(30))
                .withStopTimeout(Duration.ofSeconds(5)))));
    }

    @Bean
    DaemonLifecycle conveyorDaemons(RequestStore requests, RseStore rses, RseProtocolStore protocols, TransferTools tools,
                                    RseExpressionResolver resolver, HeartbeatStore heartbeats) {
        DaemonSettings settings = DaemonSettings.defaults().withIdleSleep(Duration.ofSeconds(1))
                .withStopTimeout(Duration.ofSeconds(5));
        return new DaemonLifecycle(List.of(
                new Daemon(List.of(new Submitter(requests, rses, protocols, tools, resolver::resolve, 200)), heartbeats,
                        settings),
                new Daemon(List.of(new Poller(requests, tools, 3, 200)), heartbeats, settings)));
    }
}
