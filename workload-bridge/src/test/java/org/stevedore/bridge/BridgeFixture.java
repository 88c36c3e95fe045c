package org.stevedore.bridge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.stevedore.bridge.gate.ReleaseGate;
import org.stevedore.bridge.gate.ReleaseListener;
import org.stevedore.bridge.gate.ReleaseNotifier;
import org.stevedore.bridge.gate.ReleaseWorker;
import org.stevedore.bridge.output.OutputRegistrar;
import org.stevedore.bridge.pin.TaskPins;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.store.JobOutputs;
import org.stevedore.bridge.store.LeaseStore;
import org.stevedore.bridge.store.ReleaseStore;
import org.stevedore.bridge.store.TaskEndStore;
import org.stevedore.bridge.store.TaskRegistrationStore;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.bridge.task.BridgeService;
import org.stevedore.bridge.task.BridgeSettings;
import org.stevedore.bridge.task.TaskEnder;
import org.stevedore.bridge.task.TaskRegistrar;
import org.stevedore.bridge.task.TaskRegistration;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaAvailability;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseType;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.rules.evaluation.RuleMaintenance;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.rules.store.RuleExpiry;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.rules.workers.RuleReevaluator;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestQueue;

/**
 * The whole bridge on the real store, as the application wires it: the rules engine for pins, the request store for
 * transfers finishing (with its wake-up), the gate with webhook deliveries in its transaction. A small grid: a source
 * disk RSE {@code SRC} (not where jobs read), two read RSEs {@code DISK_A} and {@code DISK_B} ({@code read=true}), and
 * scope {@code s} of account {@code jdoe}.
 */
public final class BridgeFixture {

    public final Store store;
    public final MutableClock clock;
    public final DidStore dids;
    public final AttachmentStore attachments;
    public final ReplicaStore replicas;
    public final RseStore rses;
    public final AccountStore accounts;
    public final RuleStore rules;
    public final RuleQueries queries;
    public final RuleService ruleService;
    public final RuleMaintenance maintenance;
    public final RuleReevaluator reevaluator;
    public final ReplicaAvailability availability = new ReplicaAvailability();
    public final RequestClaims claims;
    public final RequestOutcomes outcomes;
    public final BridgeStore bridge;
    public final TaskRegistrationStore registrations;
    public final TaskEndStore endings;
    public final LeaseStore leases;
    public final ReleaseNotifier notifier = new ReleaseNotifier(8);
    public final List<ReleaseStore.Released> heard = java.util.Collections.synchronizedList(new ArrayList<>());
    public final ReleaseGate gate;
    public final BridgeService service;
    public final TaskRegistrar registrar;
    public final TaskEnder ender;
    public final ReleaseWorker worker;
    public final Events events;

    public BridgeFixture(Store store, MutableClock clock) {
        this.store = store;
        this.clock = clock;
        dids = new DidStore(store, clock);
        UpdatedDidQueue queue = new UpdatedDidQueue(store);
        attachments = new AttachmentStore(store, clock, queue);
        replicas = new ReplicaStore(store, clock, dids, attachments, availability);
        rses = new RseStore(store, clock);
        accounts = new AccountStore(store, clock);
        rules = new RuleStore(store, clock, new RequestQueue());
        queries = new RuleQueries(store);
        RseExpressionResolver resolver = new RseExpressionResolver(rses);
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        ruleService = new RuleService(dids, rules, new RuleInputs(store), rses, accounts, new AccountLimitStore(store),
                resolver::resolve, clock, new RuleService.Settings(10_000, Duration.ofDays(14)),
                random);
        maintenance = new RuleMaintenance(rules, new RuleInputs(store), rses, new AccountLimitStore(store),
                resolver::resolve, clock, ruleService.settings(), random);
        reevaluator = new RuleReevaluator(queue, maintenance, 100);
        claims = new RequestClaims(store, clock);
        outcomes = new RequestOutcomes(store, clock, new LockOutcomes(rules), availability);
        bridge = new BridgeStore(store);
        registrations = new TaskRegistrationStore(store, dids, attachments);
        endings = new TaskEndStore(store, attachments);
        leases = new LeaseStore(store, new RuleExpiry());
        events = new Events(store, clock);
        java.util.function.Function<String, List<String>> diskRses = e -> resolver.resolve(e).stream()
                .filter(r -> r.rseType() != RseType.TAPE).map(Rse::id).toList();
        ReleaseListener recorder = heard::addAll;
        gate = new ReleaseGate(new ReleaseStore(store), clock, (tx, r, now) -> WebhookDeliveries.enqueue(tx, r.taskId(), r.jobIds(),
                r.fromSeq(), r.toSeq(), now), List.of(notifier, recorder), diskRses);
        BridgeSettings settings = BridgeSettings.defaults().withServiceAccount("root");
        service = new BridgeService(bridge, leases, notifier, clock, settings);
        TaskPins pins = new TaskPins(ruleService, settings.activity());
        registrar = new TaskRegistrar(service, registrations, new ScopeStore(store, clock), accounts, pins, gate, diskRses,
                clock, settings);
        ender = new TaskEnder(service, endings, pins, new OutputRegistrar(new JobOutputs(store, dids, replicas,
                attachments)), clock, null);
        worker = new ReleaseWorker(gate, events, clock, new ReleaseWorker.Settings(Duration.ZERO, Duration.ofSeconds(2),
                Duration.ofSeconds(60), Duration.ofSeconds(30)));
        availability.subscribe(worker);
        accounts.add("root", AccountType.SERVICE, null);
        accounts.add("jdoe", AccountType.USER, null);
        accounts.add("alice", AccountType.USER, null);
        new ScopeStore(store, clock).add("s", "jdoe");
        rses.add("SRC");
        rses.add("DISK_A");
        rses.add("DISK_B");
        rses.setAttributes("DISK_A", Map.of("read", "true"));
        rses.setAttributes("DISK_B", Map.of("read", "true"));
    }

    /** Files {@code s:<prefix>0..n-1} with AVAILABLE replicas on {@code rse}; answers their keys. */
    public List<String> files(String prefix, int n, String rse) {
        List<NewReplica> files = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            files.add(NewReplica.of("s", prefix + i, 100, "0000000" + (i % 10)));
            keys.add("s:" + prefix + i);
        }
        replicas.add(rse, files, "jdoe", true, null);
        return keys;
    }

    /** A dataset {@code s:<name>} holding the given files. */
    public void dataset(String name, List<String> keys) {
        dids.add(List.of(NewDid.collection("s", name, DidType.DATASET, "jdoe")));
        attachments.attach(new DidRef("s", name), keys.stream().map(k -> new DidRef("s", k.substring(2))).toList(), false);
    }

    public static TaskRegistration listed(String taskId, List<String> inputs, String expression, Map<String, List<String>> jobs) {
        List<TaskRegistration.JobSpec> specs = new ArrayList<>();
        jobs.forEach((id, files) -> specs.add(new TaskRegistration.JobSpec(id, files)));
        return new TaskRegistration(taskId, inputs, expression, 3600, null, specs, null, null);
    }

    public static TaskRegistration split(String taskId, List<String> inputs, String expression, int filesPerJob) {
        return new TaskRegistration(taskId, inputs, expression, 3600, null, null,
                new TaskRegistration.Split(filesPerJob), null);
    }

    /** Claims every QUEUED transfer request and marks it submitted, as the submitter would; answers their keys. */
    public List<String> submitAll() {
        List<RequestClaims.Claimed> claimed = claims.claim(Partition.whole(), 100_000);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RequestClaims.Claimed c : claimed) {
            Map<String, Object> row = new HashMap<>();
            row.put("key", c.key());
            row.put("job", "job-" + c.key());
            row.put("host", "local");
            row.put("source", "SRC");
            rows.add(row);
        }
        if (!rows.isEmpty()) {
            claims.submitted(rows);
        }
        return claimed.stream().map(RequestClaims.Claimed::key).toList();
    }

    /** The transfer of a file to an RSE finished (done or failed for good), through the request store. */
    public void transferred(String fileKey, String rse, boolean done) {
        String rseId = rses.get(rse).id();
        outcomes.finish(List.of(new RequestOutcomes.Outcome(fileKey + "|" + rseId, done, done ? null : "copy failed")),
                0);
    }

    public void drainReevaluation() {
        while (reevaluator.runOnce(Partition.whole()).didWork()) {
            // until the queue is empty
        }
    }

    public long count(String cypher, Map<String, Object> params) {
        return store.read(tx -> tx.run(cypher, params).single().get(0).asLong());
    }
}
