package org.stevedore.bench;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.stevedore.bridge.gate.ReleaseGate;
import org.stevedore.bridge.gate.ReleaseListener;
import org.stevedore.bridge.gate.ReleaseNotifier;
import org.stevedore.bridge.gate.ReleaseWorker;
import org.stevedore.bridge.pin.TaskPins;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.store.LeaseStore;
import org.stevedore.bridge.store.ReleaseStore;
import org.stevedore.bridge.store.TaskRegistrationStore;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.bridge.task.BridgeService;
import org.stevedore.bridge.task.BridgeSettings;
import org.stevedore.bridge.task.TaskRegistrar;
import org.stevedore.bridge.task.TaskRegistration;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidStore;
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
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.rules.store.RuleExpiry;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestQueue;

/**
 * The release path of {@code scale-out}: the workload bridge's jobs released by 1, 2, ... N instances on one external
 * Neo4j server. Per round, on a fresh graph: {@value #TASKS} tasks of one-file jobs (with a webhook, so each release
 * also writes its delivery) whose input copies are all in flight; then each instance, with its own driver, finishes
 * the transfers of its partition as its poller would ({@value #FINISH_BATCH} per call, as fast as the store takes
 * them) and releases jobs with its own release worker (woken in-process by its own finishes, with the outbox poll
 * and the partitioned full check as in the service). Timed from the first finish until every job is released:
 * jobs released per second, the store's CPU share, and jobs released more than once (there must be none).
 */
final class ScaleOutRelease {

    /** Tasks the jobs are spread over: releases of one task serialize on its lock, as in the service. */
    static final int TASKS = 6;
    private static final int FINISH_BATCH = 50;

    private final Clock clock;

    ScaleOutRelease(Clock clock) {
        this.clock = clock;
    }

    /** One round with {@code instances} instances, each a store of its own from {@code stores} (index 0: setup). */
    Map<String, Object> round(List<Store> stores, long storePid, int instances, int jobs) {
        Store admin = stores.get(0);
        ScaleOutBench.wipe(admin);
        List<RequestClaims.Claimed> claimed = prepare(admin, jobs);

        Map<String, Integer> releases = new ConcurrentHashMap<>(jobs * 2);
        ReleaseListener counter = released -> released.forEach(r -> r.jobIds()
                .forEach(j -> releases.merge(j, 1, Integer::sum)));
        List<ReleaseWorker> workers = new ArrayList<>();
        List<Runnable> finishers = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            Store store = stores.get(i + 1);
            Partition partition = new Partition(i, instances);
            ReplicaAvailability availability = new ReplicaAvailability();
            RequestOutcomes outcomes = new RequestOutcomes(store, clock,
                    new LockOutcomes(new RuleStore(store, clock, new RequestQueue())), availability);
            ReleaseGate gate = new ReleaseGate(new ReleaseStore(store), clock, (tx, r, now) ->
                    WebhookDeliveries.enqueue(tx, r.taskId(), r.jobIds(), r.fromSeq(), r.toSeq(), now),
                    List.of(new ReleaseNotifier(8), counter), diskRses(new RseStore(store, clock)));
            ReleaseWorker worker = new ReleaseWorker(gate, new Events(store), clock, new ReleaseWorker.Settings(
                    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(30)));
            availability.subscribe(worker);
            workers.add(worker);
            List<RequestClaims.Claimed> mine = claimed.stream().filter(c -> partition.owns(c.key())).toList();
            finishers.add(() -> {
                for (int from = 0; from < mine.size(); from += FINISH_BATCH) {
                    outcomes.finish(mine.subList(from, Math.min(mine.size(), from + FINISH_BATCH)).stream()
                            .map(c -> new RequestOutcomes.Outcome(c.key(), true, null)).toList(), 3);
                }
            });
        }

        long storeCpu0 = ScaleOutBench.processCpuNanos(storePid);
        long benchCpu0 = CpuClock.nanos();
        long elapsed = carry(workers, finishers, releases, jobs);
        long storeCpu = ScaleOutBench.processCpuNanos(storePid) - storeCpu0;
        long benchCpu = CpuClock.nanos() - benchCpu0;
        long deliveries = admin.read(tx -> tx.run("MATCH (w:WebhookDelivery) RETURN sum(size(w.job_ids)) AS n")
                .single().get("n").asLong(0));
        long released = admin.read(tx -> tx.run("MATCH (j:BridgeJob) WHERE j.state <> 'HELD' RETURN count(j) AS n")
                .single().get("n").asLong());
        if (releases.size() != jobs || deliveries != jobs) {
            throw new BenchmarkFailed(instances + " instances: " + releases.size() + " of " + jobs
                    + " jobs released, webhook deliveries covering " + deliveries);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("instances", instances);
        r.put("seconds", Math.round(elapsed / 1e6) / 1000.0);
        r.put("jobs_per_s", Math.round(jobs / (elapsed / 1e9)));
        r.put("store_cpu_s", Math.round(storeCpu / 1e6) / 1000.0);
        r.put("instances_cpu_s", Math.round(benchCpu / 1e6) / 1000.0);
        r.put("store_cpu_share", Math.round(storeCpu * 1000.0 / Math.max(1, storeCpu + benchCpu)) / 1000.0);
        r.put("store_cores_busy", Math.round(storeCpu * 100.0 / elapsed) / 100.0);
        r.put("jobs_not_held", released);
        r.put("duplicate_releases", releases.values().stream().mapToLong(n -> n - 1).sum());
        return r;
    }

    /** The catalog, {@value #TASKS} tasks of one-file jobs, and their transfers claimed and submitted. */
    private List<RequestClaims.Claimed> prepare(Store store, int jobs) {
        DidStore dids = new DidStore(store, clock);
        UpdatedDidQueue queue = new UpdatedDidQueue(store);
        AttachmentStore attachments = new AttachmentStore(store, clock, queue);
        ReplicaStore replicas = new ReplicaStore(store, clock, dids, attachments);
        RseStore rses = new RseStore(store, clock);
        AccountStore accounts = new AccountStore(store, clock);
        RuleStore rules = new RuleStore(store, clock, new RequestQueue());
        RseExpressionResolver resolver = new RseExpressionResolver(rses);
        RuleService ruleService = new RuleService(dids, rules, new RuleInputs(store), rses, accounts,
                new AccountLimitStore(store), resolver::resolve, clock,
                new RuleService.Settings(Math.max(10_000, jobs), Duration.ofDays(14)), RandomGenerator.getDefault());
        BridgeSettings settings = BridgeSettings.defaults();
        ReleaseGate gate = new ReleaseGate(new ReleaseStore(store), clock, (tx, r, now) ->
                WebhookDeliveries.enqueue(tx, r.taskId(), r.jobIds(), r.fromSeq(), r.toSeq(), now), List.of(),
                diskRses(rses));
        BridgeService tasks = new BridgeService(new BridgeStore(store), new LeaseStore(store, new RuleExpiry()), new ReleaseNotifier(8), clock, settings);
        TaskRegistrar registrar = new TaskRegistrar(tasks, new TaskRegistrationStore(store, dids, attachments),
                new ScopeStore(store, clock), accounts, new TaskPins(ruleService, settings.activity()), gate,
                diskRses(rses), clock, settings);
        accounts.add("root", AccountType.SERVICE, null);
        accounts.add("bench", AccountType.USER, null);
        new ScopeStore(store, clock).add("bench", "bench");
        rses.add("SRC");
        rses.add("DISK");
        List<List<String>> inputs = new ArrayList<>();
        for (int t = 0; t < TASKS; t++) {
            inputs.add(new ArrayList<>());
        }
        for (int from = 0; from < jobs; from += 5_000) {
            List<NewReplica> files = new ArrayList<>();
            for (int i = from; i < Math.min(jobs, from + 5_000); i++) {
                files.add(NewReplica.of("bench", "f" + i, 1_000, "0000abcd"));
                inputs.get(i % TASKS).add("bench:f" + i);
            }
            replicas.add("SRC", files, "bench", true, null);
        }
        for (int t = 0; t < TASKS; t++) {
            registrar.register(new TaskRegistration("bench-task-" + t, inputs.get(t), "DISK", "P1D", 3, null,
                    new TaskRegistration.Split(1), new TaskRegistration.Webhook("http://localhost:9/hook", "s")),
                    "bench");
        }
        RequestClaims claims = new RequestClaims(store, clock);
        List<RequestClaims.Claimed> claimed = claims.claim(Partition.whole(), jobs);
        if (claimed.size() != jobs) {
            throw new BenchmarkFailed("expected " + jobs + " transfer requests, the tasks' rules made "
                    + claimed.size());
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RequestClaims.Claimed c : claimed) {
            Map<String, Object> row = new HashMap<>();
            row.put("key", c.key());
            row.put("job", "bench");
            row.put("host", "bench");
            row.put("source", "SRC");
            rows.add(row);
        }
        for (int from = 0; from < rows.size(); from += 5_000) {
            claims.submitted(rows.subList(from, Math.min(rows.size(), from + 5_000)));
        }
        return claimed;
    }

    private static Function<String, List<String>> diskRses(RseStore rses) {
        RseExpressionResolver resolver = new RseExpressionResolver(rses);
        return e -> resolver.resolve(e).stream().filter(r -> r.rseType() != RseType.TAPE).map(Rse::id).toList();
    }

    /**
     * Each instance's release worker on threads of its own (its wake-up thread, and its cycles on its partition as
     * its daemon runs them), its finisher on another; until every job is released once. The wall time.
     */
    private static long carry(List<ReleaseWorker> workers, List<Runnable> finishers, Map<String, Integer> releases,
                              int jobs) {
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        List<ReleaseWorker.WakeThread> wakes = new ArrayList<>();
        int n = workers.size();
        for (int i = 0; i < n; i++) {
            ReleaseWorker worker = workers.get(i);
            Partition partition = new Partition(i, n);
            wakes.add(worker.startWakeThread());
            threads.add(thread("bench-release-" + i, failure, () -> {
                while (!done.get()) {
                    worker.runOnce(partition);
                }
            }));
        }
        long started = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Runnable finisher = finishers.get(i);
            threads.add(thread("bench-finish-" + i, failure, finisher::run));
        }
        long deadline = started + Duration.ofMinutes(30).toNanos();
        long elapsed;
        try {
            while (failure.get() == null && releases.size() < jobs && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            elapsed = System.nanoTime() - started;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailed("interrupted");
        } finally {
            done.set(true);
            wakes.forEach(ReleaseWorker.WakeThread::close);
            for (Thread t : threads) {
                try {
                    t.join(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (failure.get() != null) {
            throw new BenchmarkFailed("a release or finish thread failed: " + failure.get());
        }
        if (releases.size() < jobs) {
            throw new BenchmarkFailed("only " + releases.size() + " of " + jobs + " jobs released after 30 minutes");
        }
        return elapsed;
    }

    /** A started daemon thread running {@code body}, its failure recorded. */
    private static Thread thread(String name, AtomicReference<Throwable> failure, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Work of a bench thread, which may be interrupted. */
    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }
}
