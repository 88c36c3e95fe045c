package org.stevedore.bench;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.stevedore.bridge.gate.ReleaseGate;
import org.stevedore.bridge.gate.ReleaseNotifier;
import org.stevedore.bridge.pin.TaskPins;
import org.stevedore.bridge.store.BlockingStore;
import org.stevedore.bridge.store.BridgeStore;
import org.stevedore.bridge.store.LeaseStore;
import org.stevedore.bridge.store.ReleaseStore;
import org.stevedore.bridge.store.TaskRegistrationStore;
import org.stevedore.bridge.task.BridgeService;
import org.stevedore.bridge.task.BridgeSettings;
import org.stevedore.bridge.task.TaskRegistrar;
import org.stevedore.bridge.task.TaskRegistration;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.Rse;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.rse.RseType;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.transfer.store.RequestQueue;

/**
 * "What blocks this task" at scale: a task of N one-file HELD jobs whose inputs are on their way in every way a file
 * can be (transfers queued and submitted, locks stuck, files lost, files with no replica left), then the task's
 * blocking view ({@link BridgeService#blocking}: one graph query) asked repeatedly. Prints its p50/max ms and the
 * counts per reason, which are checked against what was set up.
 */
final class BlockingBench {

    private final Options options;

    BlockingBench(Options options) {
        this.options = options;
    }

    Map<String, Object> run() {
        int n = options.files();
        try (TempStore temp = TempStore.open(options, "blocking")) {
            Store store = temp.store();
            Clock clock = Clock.systemUTC();
            DidStore dids = new DidStore(store, clock);
            AttachmentStore attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
            ReplicaStore replicas = new ReplicaStore(store, clock, dids, attachments);
            RseStore rses = new RseStore(store, clock);
            AccountStore accounts = new AccountStore(store, clock);
            RuleStore rules = new RuleStore(store, clock, new RequestQueue());
            RseExpressionResolver resolver = new RseExpressionResolver(rses);
            RuleService ruleService = new RuleService(dids, rules, new RuleInputs(store), rses, accounts,
                    new AccountLimitStore(store), resolver::resolve, clock,
                    new RuleService.Settings(Math.max(10_000, n), Duration.ofDays(14)), RandomGenerator.getDefault());
            java.util.function.Function<String, List<String>> diskRses = e -> resolver.resolve(e).stream()
                    .filter(r -> r.rseType() != RseType.TAPE).map(Rse::id).toList();
            ReleaseNotifier notifier = new ReleaseNotifier(8);
            ReleaseGate gate = new ReleaseGate(new ReleaseStore(store), clock, (tx, r, now) -> { }, List.of(notifier),
                    diskRses);
            BridgeSettings settings = BridgeSettings.defaults();
            BridgeService tasks = new BridgeService(new BridgeStore(store), new LeaseStore(store,
                    new org.stevedore.rules.store.RuleExpiry()), notifier, clock, settings);
            TaskRegistrar registrar = new TaskRegistrar(tasks, new TaskRegistrationStore(store, dids, attachments),
                    new ScopeStore(store, clock), accounts, new TaskPins(ruleService, settings.activity()), gate,
                    diskRses, clock, settings);

            accounts.add("root", AccountType.SERVICE, null);
            accounts.add("bench", AccountType.USER, null);
            new ScopeStore(store, clock).add("bench", "bench");
            rses.add("SRC");
            rses.add("DISK");
            List<String> inputs = new ArrayList<>(n);
            for (int from = 0; from < n; from += 5_000) {
                List<NewReplica> files = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + 5_000); i++) {
                    files.add(NewReplica.of("bench", "f" + i, 1_000, "0000abcd"));
                    inputs.add("bench:f" + i);
                }
                replicas.add("SRC", files, "bench", true, null);
            }
            long registering = System.nanoTime();
            var task = registrar.register(new TaskRegistration("bench-task", inputs, "DISK", "P1D", 3, null,
                    new TaskRegistration.Split(1), null), "bench").task().task();
            double registerSeconds = (System.nanoTime() - registering) / 1e9;

            // Every 10th file's copy stuck, every 50th lost, every 50th (offset) without a replica; half the rest
            // submitted to a transfer tool, the others still queued.
            store.run("""
                    MATCH (:Rule {id: $rule})-[l:LOCK]->(f:Did)
                    WITH l, f, toInteger(substring(f.name, 1)) AS i
                    FOREACH (_ IN CASE WHEN i % 10 = 1 THEN [1] ELSE [] END |
                        SET l.state = 'STUCK', l.error = 'Transfer failed: checksum mismatch')
                    FOREACH (_ IN CASE WHEN i % 50 = 2 THEN [1] ELSE [] END | SET l.state = 'STUCK', l.error = 'lost')
                    """, Map.of("rule", task.ruleId()));
            store.run("""
                    MATCH (f:Did)-[r:REPLICA]->(:Rse {rse: 'SRC'}) WHERE toInteger(substring(f.name, 1)) % 50 = 3
                    DELETE r
                    """, Map.of());
            store.run("""
                    MATCH (q:Request {state: 'QUEUED'}) WHERE toInteger(split(split(q.key, '|')[0], ':f')[1]) % 2 = 0
                    SET q.state = 'SUBMITTED', q.retry_count = 1
                    """, Map.of());
            Map<String, Long> expected = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String reason = i % 50 == 2 ? "LOST" : i % 50 == 3 ? "MISSING" : i % 10 == 1 ? "STUCK" : "TRANSFER";
                expected.merge(reason, 1L, Long::sum);
            }

            int repeat = options.repeat();
            long[] nanos = new long[repeat + options.warmup()];
            long[] cpu = new long[nanos.length];
            List<BlockingStore.Group> groups = List.of();
            for (int r = 0; r < nanos.length; r++) {
                long c0 = CpuClock.nanos();
                long t0 = System.nanoTime();
                groups = tasks.blocking("bench-task", null, null, 100);
                nanos[r] = System.nanoTime() - t0;
                // The embedded server runs the query in this JVM, which does nothing else meanwhile: its CPU time is
                // the query's, whatever the neighbours' load does to the wall clock.
                cpu[r] = CpuClock.nanos() - c0;
            }
            Map<String, Long> counted = new LinkedHashMap<>();
            groups.forEach(g -> counted.put(g.reason(), g.files()));
            if (!new java.util.HashMap<>(counted).equals(new java.util.HashMap<>(expected))) {
                throw new BenchmarkFailed("reasons " + counted + ", expected " + expected);
            }
            long held = tasks.peek("bench-task").jobCounts().getOrDefault("HELD", 0L);
            if (held != n) {
                throw new BenchmarkFailed(held + " of " + n + " jobs held");
            }
            long[] timed = java.util.Arrays.copyOfRange(nanos, options.warmup(), nanos.length);
            java.util.Arrays.sort(timed);
            long[] timedCpu = java.util.Arrays.copyOfRange(cpu, options.warmup(), cpu.length);
            java.util.Arrays.sort(timedCpu);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", options.scenario());
            f.put("held_jobs", held);
            f.put("register_s", Math.round(registerSeconds * 100) / 100.0);
            f.put("repeat", repeat);
            f.put("blocking_p50_ms", ListReplicas.percentileMillis(timed, 50));
            f.put("blocking_max_ms", ListReplicas.percentileMillis(timed, 100));
            f.put("blocking_cpu_p50_ms", ListReplicas.percentileMillis(timedCpu, 50));
            f.put("files_per_reason", counted);
            return f;
        }
    }
}
