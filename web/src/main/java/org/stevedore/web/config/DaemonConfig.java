package org.stevedore.web.config;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.auth.session.ExpiredTokenCleaner;
import org.stevedore.catalog.account.TokenStore;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.daemon.Instance;
import org.stevedore.catalog.daemon.Instances;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.evaluation.RuleMaintenance;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.store.LockAudit;
import org.stevedore.rules.store.ReplicaRecovery;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.rules.store.TransferQueue;
import org.stevedore.rules.store.UndertakerStore;
import org.stevedore.rules.workers.LockAuditor;
import org.stevedore.rules.workers.Necromancer;
import org.stevedore.rules.workers.RuleCleaner;
import org.stevedore.rules.workers.RuleInjector;
import org.stevedore.rules.workers.RuleReevaluator;
import org.stevedore.rules.workers.RuleRepairer;
import org.stevedore.rules.workers.Undertaker;
import org.stevedore.web.config.recovery.RecoveryProperties;
import org.stevedore.web.config.rules.UndertakerProperties;

/** The background workers of this process, on the catalog's daemon framework; started after the web server. */
@Configuration(proxyBeanMethods = false)
public class DaemonConfig {

    /** Liveness of every worker of every instance, with the deployment's timeout ({@code stevedore.instances.*}). */
    @Bean
    HeartbeatStore heartbeatStore(Store store, Clock clock, InstancesProperties instances) {
        return new HeartbeatStore(store, clock, instances.heartbeatTimeout());
    }

    /** This process among the service's instances: who owns in-process work, and which owners are alive. */
    @Bean
    Instances instances(HeartbeatStore heartbeats) {
        return new Instances(heartbeats, Instance.current());
    }

    @Bean
    DaemonLifecycle tokenCleanerDaemon(TokenStore tokens, HeartbeatStore heartbeats, Store store) {
        return new DaemonLifecycle(List.of(new Daemon(List.of(new ExpiredTokenCleaner(tokens, store.batchSize())),
                heartbeats, DaemonSettings.defaults().withIdleSleep(Duration.ofSeconds(30))
                        .withStopTimeout(Duration.ofSeconds(5)))));
    }

    @Bean
    DaemonLifecycle ruleDaemons(RuleQueries rules, RuleService service, RuleMaintenance maintenance,
                                UpdatedDidQueue queue, HeartbeatStore heartbeats, Clock clock, Store store,
                                TransferQueue transfers) {
        DaemonSettings settings = DaemonSettings.defaults().withIdleSleep(Duration.ofSeconds(2))
                .withStopTimeout(Duration.ofSeconds(5));
        return new DaemonLifecycle(List.of(
                new Daemon(List.of(new RuleReevaluator(queue, maintenance, 100)), heartbeats, settings),
                new Daemon(List.of(new RuleInjector(rules, service, 5)), heartbeats, settings),
                // The repairer's daemon also audits that every REPLICATING lock has a live transfer (a log warning).
                new Daemon(List.of(new RuleRepairer(rules, maintenance, 50),
                        new LockAuditor(new LockAudit(store, transfers), clock, LockAuditor.DEFAULT_EVERY, 20)),
                        heartbeats, settings.withIdleSleep(Duration.ofSeconds(30))),
                new Daemon(List.of(new RuleCleaner(rules, service, clock, 100)), heartbeats,
                        settings.withIdleSleep(Duration.ofSeconds(30)))));
    }

    /** Removes expired DIDs; {@code stevedore.undertaker.*}. */
    @Bean
    @ConditionalOnProperty(name = "stevedore.undertaker.enabled", matchIfMissing = true)
    DaemonLifecycle undertakerDaemon(Store store, UpdatedDidQueue queue, RuleService service, TransferQueue transfers,
                                     Clock clock, HeartbeatStore heartbeats, UndertakerProperties properties) {
        Undertaker undertaker = new Undertaker(new UndertakerStore(store, queue, clock, transfers), service, clock,
                properties.batchSize(), properties.pause());
        return new DaemonLifecycle(List.of(new Daemon(List.of(undertaker), heartbeats, DaemonSettings.defaults()
                .withIdleSleep(properties.idleSleep()).withStopTimeout(Duration.ofSeconds(5)))));
    }

    /** Resolves replicas declared bad and ends temporary unavailabilities; {@code stevedore.recovery.*}. */
    @Bean
    @ConditionalOnProperty(name = "stevedore.recovery.enabled", matchIfMissing = true)
    DaemonLifecycle necromancerDaemon(RuleStore rules, TransferQueue transfers, Clock clock, HeartbeatStore heartbeats,
                                      RecoveryProperties properties) {
        Necromancer necromancer = new Necromancer(new ReplicaRecovery(rules, transfers, clock), properties.batchSize());
        return new DaemonLifecycle(List.of(new Daemon(List.of(necromancer), heartbeats, DaemonSettings.defaults()
                .withIdleSleep(properties.idleSleep()).withStopTimeout(Duration.ofSeconds(5)))));
    }

    /** Starts daemons with the application and stops them (heartbeats removed) before the store closes. */
    public static final class DaemonLifecycle implements SmartLifecycle {
        private final List<Daemon> daemons;
        private volatile boolean running;

        public DaemonLifecycle(List<Daemon> daemons) {
            this.daemons = daemons;
        }

        /** The daemons, for the workers' health. */
        public List<Daemon> daemons() {
            return daemons;
        }

        @Override
        public void start() {
            daemons.forEach(Daemon::start);
            running = true;
        }

        @Override
        public void stop() {
            daemons.forEach(Daemon::close);
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }
}
