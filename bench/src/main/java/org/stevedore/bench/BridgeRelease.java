package org.stevedore.bench;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
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
 * The workload bridge's release latency: a task of N one-file jobs (with a webhook, so each release also writes its
 * delivery) whose inputs are copied to the task's disk RSE; the transfers finish through the request store at a set
 * rate, in batches as the poller finishes them, and the release worker runs on its daemon thread, woken by the
 * finisher's commits. For each job: the time from {@code RequestOutcomes.finish} returning (its replica committed
 * AVAILABLE) to the release transaction of its job having committed (its webhook delivery written with it); and, as
 * a workflow sees it, from the file landing on disk (files land at the rate; the poller finds them every
 * {@code --poll-ms}) to the job showing up in a client's long-poll of the task's cursor feed.
 *
 * <p>A warm-up task of {@value #WARM_UP_FILES} jobs goes through the same path before the clock starts, so the
 * figures are the steady state's. The output's {@code breakdown} ({@link Breakdown}) says where the time of the
 * slowest 1 % of releases went, next to all of them.
 */
final class BridgeRelease {

    /** Transfers finished per request-store call, as a poller cycle would. */
    private static final int FINISH_BATCH = 50;
    /** One-file jobs of a task released before the clock starts. */
    private static final int WARM_UP_FILES = 500;

    private final Options options;

    BridgeRelease(Options options) {
        this.options = options;
    }

    Map<String, Object> run() {
        int n = options.files();
        try (TempStore temp = TempStore.open(options, "bridge-release")) {
            Store store = temp.store();
            Clock clock = Clock.systemUTC();
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
                    new RuleService.Settings(Math.max(10_000, n), Duration.ofDays(14)), RandomGenerator.getDefault());
            ReplicaAvailability availability = new ReplicaAvailability();
            RequestClaims claims = new RequestClaims(store, clock);
            RequestOutcomes outcomes = new RequestOutcomes(store, clock, new LockOutcomes(rules), availability);
            java.util.function.Function<String, List<String>> diskRses = e -> resolver.resolve(e).stream()
                    .filter(r -> r.rseType() != RseType.TAPE).map(Rse::id).toList();

            Map<String, Long> releasedAt = new ConcurrentHashMap<>(n * 2);
            ReleaseListener stopwatch = released -> {
                long now = System.nanoTime();
                released.forEach(r -> r.jobIds().forEach(j -> releasedAt.put(j, now)));
            };
            ReleaseNotifier notifier = new ReleaseNotifier(8);
            Map<String, Long> queriedAt = new ConcurrentHashMap<>(n * 2);
            ReleaseGate gate = new ReleaseGate(new ReleaseStore(store), clock, (tx, r, now) -> {
                long at = System.nanoTime();
                r.jobIds().forEach(j -> queriedAt.put(j, at));
                WebhookDeliveries.enqueue(tx, r.taskId(), r.jobIds(), r.fromSeq(), r.toSeq(), now);
            }, List.of(notifier, stopwatch), diskRses);
            BridgeSettings settings = BridgeSettings.defaults();
            BridgeService tasks = new BridgeService(new BridgeStore(store), new LeaseStore(store, new RuleExpiry()),
                    notifier, clock, settings);
            TaskRegistrar service = new TaskRegistrar(tasks, new TaskRegistrationStore(store, dids, attachments),
                    new ScopeStore(store, clock), accounts, new TaskPins(ruleService, settings.activity()), gate, diskRses,
                    clock, settings);

            accounts.add("root", AccountType.SERVICE, null);
            accounts.add("bench", AccountType.USER, null);
            new ScopeStore(store, clock).add("bench", "bench");
            rses.add("SRC");
            rses.add("DISK");
            List<String> warmInputs = new ArrayList<>(WARM_UP_FILES);
            List<NewReplica> warmFiles = new ArrayList<>(WARM_UP_FILES);
            for (int i = 0; i < WARM_UP_FILES; i++) {
                warmFiles.add(NewReplica.of("bench", "w" + i, 1_000, "0000abcd"));
                warmInputs.add("bench:w" + i);
            }
            replicas.add("SRC", warmFiles, "bench", true, null);
            service.register(new TaskRegistration("bench-warm-up", warmInputs, "DISK", "P1D", 3, null,
                    new TaskRegistration.Split(1), new TaskRegistration.Webhook("http://localhost:9/hook", "s")), "bench");
            List<RequestClaims.Claimed> warmUp = claims.claim(Partition.whole(), WARM_UP_FILES);
            // Claiming writes nothing: the warm-up's requests are recorded as submitted before the task's are claimed.
            claims.submitted(submittedRows(warmUp));
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
            service.register(new TaskRegistration("bench-task", inputs, "DISK", "P1D", 3, null,
                    new TaskRegistration.Split(1), new TaskRegistration.Webhook("http://localhost:9/hook", "s")), "bench");
            double registerSeconds = (System.nanoTime() - registering) / 1e9;

            List<RequestClaims.Claimed> claimed = claims.claim(Partition.whole(), n);
            List<Map<String, Object>> rows = submittedRows(claimed);
            for (int from = 0; from < rows.size(); from += 5_000) {
                claims.submitted(rows.subList(from, Math.min(rows.size(), from + 5_000)));
            }
            if (claimed.size() != n) {
                throw new BenchmarkFailed("expected " + n + " transfer requests, the rule made " + claimed.size());
            }

            Breakdown breakdown = new Breakdown(n);
            ReleaseWorker worker = new ReleaseWorker(gate, new Events(store), clock, new ReleaseWorker.Settings(
                    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(60), Duration.ofSeconds(30)),
                    breakdown);
            availability.subscribe(worker);
            long gcBefore;
            Map<String, Long> availableAt = new HashMap<>(n * 2);
            long started;
            Map<String, Long> landedAt = new HashMap<>(n * 2);
            // The workflow's side: a client following the task's cursor feed with long-polls, as a pull loop does.
            Map<String, Long> seenAt = new ConcurrentHashMap<>(n * 2);
            Thread feed = new Thread(() -> follow(tasks, n, seenAt), "bench-feed");
            feed.setDaemon(true);
            feed.start();
            try (Daemon daemon = new Daemon(List.of(worker), new HeartbeatStore(store, clock),
                    DaemonSettings.defaults().withIdleSleep(Duration.ZERO).withStopTimeout(Duration.ofSeconds(5)));
                 ReleaseWorker.WakeThread wake = worker.startWakeThread()) {
                // As in the service: woken files on a thread of their own, the fallbacks in the daemon's cycles.
                daemon.start();
                // Steady state: the worker's start-up full check and first outbox poll, and the first planning of
                // every query on the finish and release paths, happen on a small task before the clock starts.
                for (int from = 0; from < warmUp.size(); from += FINISH_BATCH) {
                    outcomes.finish(warmUp.subList(from, Math.min(warmUp.size(), from + FINISH_BATCH)).stream()
                            .map(c -> new RequestOutcomes.Outcome(c.key(), true, null)).toList(), 3);
                    sleep(FINISH_BATCH * 1_000_000_000L / options.rate());
                }
                long warmDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (releasedAt.size() < WARM_UP_FILES && System.nanoTime() < warmDeadline) {
                    sleep(10_000_000L);
                }
                if (releasedAt.size() != WARM_UP_FILES) {
                    throw new BenchmarkFailed("the warm-up task released " + releasedAt.size() + " of " + WARM_UP_FILES);
                }
                releasedAt.clear();
                breakdown.reset();
                gcBefore = Breakdown.gcMillis();
                started = System.nanoTime();
                // Files land on disk at the rate, one after the other; each poll of the transfer tool (every
                // --poll-ms, by default the time FINISH_BATCH files take to land) finishes those landed since the
                // last, FINISH_BATCH per request-store call, as the poller does.
                long pollNanos = pollNanos(options);
                double landNanos = 1e9 / options.rate();
                for (int p = 0; p < claimed.size(); p++) {
                    landedAt.put(claimed.get(p).didKey(), started + (long) ((p + 1) * landNanos));
                }
                int done = 0;
                for (long tick = started + pollNanos; done < claimed.size(); tick += pollNanos) {
                    long wait = tick - System.nanoTime();
                    if (wait > 0) {
                        sleep(wait);
                    }
                    int landed = (int) Math.min(claimed.size(), (long) ((tick - started) / landNanos));
                    for (int from = done; from < landed; from += FINISH_BATCH) {
                        List<RequestClaims.Claimed> batch =
                                claimed.subList(from, Math.min(landed, from + FINISH_BATCH));
                        outcomes.finish(batch.stream().map(c -> new RequestOutcomes.Outcome(c.key(), true, null))
                                .toList(), 3);
                        long committed = System.nanoTime();
                        batch.forEach(c -> availableAt.put(c.didKey(), committed));
                    }
                    done = Math.max(done, landed);
                }
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while ((releasedAt.size() < n || seenAt.size() < n) && System.nanoTime() < deadline) {
                    sleep(10_000_000L);
                }
            } finally {
                feed.interrupt();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long gcMillis = Breakdown.gcMillis() - gcBefore;
            if (releasedAt.size() != n) {
                throw new BenchmarkFailed("only " + releasedAt.size() + " of " + n + " jobs were released");
            }
            if (seenAt.size() != n) {
                throw new BenchmarkFailed("the feed showed only " + seenAt.size() + " of " + n + " released jobs");
            }
            long[] seen = new long[n];
            long[] diskToSeen = new long[n];
            for (int i = 0; i < n; i++) {
                String job = "bench-task-" + (i + 1);
                seen[i] = seenAt.get(job) - availableAt.get("bench:f" + i);
                diskToSeen[i] = seenAt.get(job) - landedAt.get("bench:f" + i);
            }
            java.util.Arrays.sort(seen);
            java.util.Arrays.sort(diskToSeen);
            long[] latencies = new long[n];
            List<Breakdown.Release> timeline = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String job = "bench-task-" + (i + 1);
                String file = "bench:f" + i;
                latencies[i] = releasedAt.get(job) - availableAt.get(file);
                timeline.add(new Breakdown.Release(availableAt.get(file), breakdown.pickedAt(file), queriedAt.get(job),
                        releasedAt.get(job)));
            }
            java.util.Arrays.sort(latencies);
            long deliveries = store.read(tx -> tx.run("MATCH (w:WebhookDelivery) RETURN sum(size(w.job_ids)) AS n")
                    .single().get("n").asLong(0));
            if (deliveries != n + WARM_UP_FILES) {
                throw new BenchmarkFailed("webhook deliveries cover " + deliveries + " jobs, not " + (n + WARM_UP_FILES));
            }
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("scenario", options.scenario());
            f.put("jobs", n);
            f.put("rate_files_per_s", options.rate());
            f.put("finish_batch", FINISH_BATCH);
            f.put("register_s", Math.round(registerSeconds * 100) / 100.0);
            f.put("run_s", Math.round(seconds * 100) / 100.0);
            f.put("release_p50_ms", ListReplicas.percentileMillis(latencies, 50));
            f.put("release_p99_ms", ListReplicas.percentileMillis(latencies, 99));
            f.put("release_max_ms", ListReplicas.percentileMillis(latencies, 100));
            // As the workflow sees it: the long-poll of the cursor feed answering with the job.
            f.put("poll_ms", pollNanos(options) / 1_000_000.0);
            f.put("commit_to_feed_p50_ms", ListReplicas.percentileMillis(seen, 50));
            f.put("commit_to_feed_p99_ms", ListReplicas.percentileMillis(seen, 99));
            f.put("disk_to_feed_p50_ms", ListReplicas.percentileMillis(diskToSeen, 50));
            f.put("disk_to_feed_p99_ms", ListReplicas.percentileMillis(diskToSeen, 99));
            f.put("disk_to_feed_max_ms", ListReplicas.percentileMillis(diskToSeen, 100));
            f.put("warm_up_jobs", WARM_UP_FILES);
            f.put("webhook_deliveries_jobs", deliveries - WARM_UP_FILES);
            f.put("gc_ms", gcMillis);
            f.put("breakdown", breakdown.summary(timeline));
            return f;
        }
    }

    /** How often the emulated poller finishes what landed: --poll-ms, or the time FINISH_BATCH files take to land. */
    private static long pollNanos(Options options) {
        return options.pollMs() > 0 ? options.pollMs() * 1_000_000L : (long) (FINISH_BATCH * 1e9 / options.rate());
    }

    /** Follows the task's feed with 30 s long-polls until {@code n} jobs were seen, noting when each showed up. */
    private static void follow(BridgeService tasks, int n, Map<String, Long> seenAt) {
        String cursor = "0";
        try {
            while (seenAt.size() < n) {
                BridgeService.Page page = tasks.jobs("bench-task", null, cursor, Duration.ofSeconds(30), 0);
                long now = System.nanoTime();
                page.jobs().forEach(j -> seenAt.putIfAbsent(j.id(), now));
                cursor = page.cursor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Rows for {@link RequestClaims#submitted}: every claimed request in one job of a tool called "bench". */
    private static List<Map<String, Object>> submittedRows(List<RequestClaims.Claimed> claimed) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (RequestClaims.Claimed c : claimed) {
            Map<String, Object> row = new HashMap<>();
            row.put("key", c.key());
            row.put("job", "bench");
            row.put("host", "bench");
            row.put("source", "SRC");
            rows.add(row);
        }
        return rows;
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailed("interrupted");
        }
    }
}
