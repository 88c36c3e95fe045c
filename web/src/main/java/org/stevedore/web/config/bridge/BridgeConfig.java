package org.stevedore.web.config.bridge;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.bridge.gate.InputLossWorker;
import org.stevedore.bridge.gate.ReleaseGate;
import org.stevedore.bridge.gate.ReleaseListener;
import org.stevedore.bridge.gate.ReleaseNotifier;
import org.stevedore.bridge.gate.ReleaseWorker;
import org.stevedore.bridge.output.OutputRegistrar;
import org.stevedore.bridge.pin.LeaseExpirer;
import org.stevedore.bridge.pin.TaskPins;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.store.InputLossStore;
import org.stevedore.bridge.store.JobOutputs;
import org.stevedore.bridge.store.LeaseStore;
import org.stevedore.bridge.store.ReleaseStore;
import org.stevedore.bridge.store.StreamStore;
import org.stevedore.bridge.store.TaskEndStore;
import org.stevedore.bridge.store.TaskRegistrationStore;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.bridge.task.BridgeService;
import org.stevedore.bridge.task.BridgeSettings;
import org.stevedore.bridge.task.StreamWorker;
import org.stevedore.bridge.task.TaskCampaigns;
import org.stevedore.bridge.task.TaskEnder;
import org.stevedore.bridge.task.TaskRegistrar;
import org.stevedore.bridge.webhook.WakeUpSleeper;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.ReplicaAvailability;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseType;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.RuleExpiry;
import org.stevedore.tape.campaign.CampaignService;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.web.config.DaemonConfig.DaemonLifecycle;

/**
 * The workload bridge: tasks and jobs, the release gate with its worker (woken by the transfer finisher's commits),
 * pins through the rules engine, lease expiry, tape inputs through a pre-staging campaign per task. Releases enqueue webhook deliveries in their own transaction and,
 * after the commit, wake the webhook sender when the application has one.
 */
@Configuration(proxyBeanMethods = false)
public class BridgeConfig {

    @Bean
    BridgeStore bridgeStore(Store store) {
        return new BridgeStore(store);
    }

    @Bean
    TaskRegistrationStore taskRegistrationStore(Store store, DidStore dids, AttachmentStore attachments) {
        return new TaskRegistrationStore(store, dids, attachments);
    }

    @Bean
    ReleaseStore releaseStore(Store store) {
        return new ReleaseStore(store);
    }

    @Bean
    TaskEndStore taskEndStore(Store store, AttachmentStore attachments) {
        return new TaskEndStore(store, attachments);
    }

    @Bean
    StreamStore streamStore(Store store, AttachmentStore attachments) {
        return new StreamStore(store, attachments);
    }

    @Bean
    LeaseStore leaseStore(Store store) {
        return new LeaseStore(store, new RuleExpiry());
    }

    @Bean
    BridgeSettings bridgeSettings(BridgeProperties p) {
        return new BridgeSettings(p.scope(), p.serviceAccount(), p.activity(), p.defaultPinLifetime(),
                p.leaseRefreshEvery(), p.maxJobsPerTask(), p.feedLimit(), p.maxWait(), p.maxWaiters());
    }

    @Bean
    ReleaseNotifier releaseNotifier(BridgeSettings settings) {
        return new ReleaseNotifier(settings.maxWaiters());
    }

    @Bean
    ReleaseGate releaseGate(ReleaseStore store, Clock clock, ReleaseNotifier notifier,
                            ObjectProvider<WakeUpSleeper> webhookWakeUp, RseExpressionResolver resolver) {
        List<ReleaseListener> listeners = new ArrayList<>();
        listeners.add(notifier);
        webhookWakeUp.ifAvailable(sleeper -> listeners.add(released -> sleeper.wakeUp()));
        return new ReleaseGate(store, clock, (tx, r, now) -> WebhookDeliveries.enqueue(tx, r.taskId(), r.jobIds(),
                r.fromSeq(), r.toSeq(), now), listeners, expression -> diskRses(resolver, expression));
    }

    private static List<String> diskRses(RseExpressionResolver resolver, String expression) {
        return resolver.resolve(expression).stream().filter(r -> r.rseType() != RseType.TAPE).map(Rse::id).toList();
    }

    @Bean
    OutputRegistrar outputRegistrar(Store store, DidStore dids, ReplicaStore replicas, AttachmentStore attachments) {
        return new OutputRegistrar(new JobOutputs(store, dids, replicas, attachments));
    }

    @Bean
    BridgeService bridgeService(BridgeStore store, LeaseStore leases, ReleaseNotifier notifier, Clock clock,
                                BridgeSettings settings, CampaignService campaigns, TapeEndpoints endpoints,
                                TaskStagingProperties staging) {
        return new BridgeService(store, leases, notifier, clock, settings, tapeInputs(campaigns, endpoints, staging));
    }

    @Bean
    TaskRegistrar taskRegistrar(BridgeService tasks, TaskRegistrationStore store, ScopeStore scopes, AccountStore accounts,
                                RuleService rules, ReleaseGate gate, RseExpressionResolver resolver, Clock clock,
                                BridgeSettings settings, CampaignService campaigns, TapeEndpoints endpoints,
                                TaskStagingProperties staging) {
        return new TaskRegistrar(tasks, store, scopes, accounts, new TaskPins(rules, settings.activity()), gate,
                expression -> diskRses(resolver, expression), clock, settings, tapeInputs(campaigns, endpoints, staging));
    }

    @Bean
    TaskEnder taskEnder(BridgeService tasks, TaskEndStore store, RuleService rules, OutputRegistrar outputs, Clock clock,
                        BridgeSettings settings, CampaignService campaigns, TapeEndpoints endpoints,
                        TaskStagingProperties staging) {
        return new TaskEnder(tasks, store, new TaskPins(rules, settings.activity()), outputs, clock,
                tapeInputs(campaigns, endpoints, staging));
    }

    /** Tape inputs through a pre-staging campaign per task, when enabled (null: through the pin rule). */
    private static TaskCampaigns tapeInputs(CampaignService campaigns, TapeEndpoints endpoints,
                                            TaskStagingProperties staging) {
        return staging.enabled() ? new TaskCampaigns(campaigns, endpoints, staging.windowFiles(),
                staging.windowBytes().toBytes()) : null;
    }

    @Bean
    ReleaseWorker releaseWorker(ReleaseGate gate, Events events, ReplicaAvailability availability, Clock clock,
                                BridgeProperties p) {
        ReleaseWorker release = new ReleaseWorker(gate, events, clock, new ReleaseWorker.Settings(Duration.ofSeconds(1),
                p.outboxPoll(), p.outboxOverlap(), p.fullCheck()));
        availability.subscribe(release);
        return release;
    }

    /** Woken files get a thread of their own, so a release never waits behind an outbox page or full-check slice. */
    @Bean
    SmartLifecycle releaseWakeThread(ReleaseWorker release) {
        return new SmartLifecycle() {
            private ReleaseWorker.WakeThread thread;

            @Override
            public synchronized void start() {
                thread = release.startWakeThread();
            }

            @Override
            public synchronized void stop() {
                if (thread != null) {
                    thread.close();
                    thread = null;
                }
            }

            @Override
            public synchronized boolean isRunning() {
                return thread != null;
            }
        };
    }

    @Bean
    DaemonLifecycle bridgeDaemons(LeaseStore leases, TaskEnder ender, ReleaseWorker release, Clock clock,
                                  BridgeProperties p, HeartbeatStore heartbeats, Store store, Events events,
                                  StreamStore streams, ReleaseGate gate) {
        // The release worker's cycles wait for the next fallback themselves, so the daemon need not sleep.
        DaemonSettings settings = DaemonSettings.defaults().withStopTimeout(Duration.ofSeconds(5));
        return new DaemonLifecycle(List.of(
                new Daemon(List.of(release), heartbeats, settings.withIdleSleep(Duration.ZERO)),
                new Daemon(List.of(new LeaseExpirer(leases, ender, clock, 100)), heartbeats,
                        settings.withIdleSleep(p.leaseCheck())),
                // Streaming tasks: jobs for files newly attached to their open inputs, finishing once those close.
                new Daemon(List.of(new StreamWorker(streams, gate, ender, clock, p.streamMaxFiles())), heartbeats,
                        settings.withIdleSleep(p.streamPoll())),
                // Released jobs whose inputs were declared bad or lost are held again.
                new Daemon(List.of(new InputLossWorker(new InputLossStore(store), events, clock)), heartbeats,
                        settings.withIdleSleep(Duration.ofSeconds(5)))));
    }
}
