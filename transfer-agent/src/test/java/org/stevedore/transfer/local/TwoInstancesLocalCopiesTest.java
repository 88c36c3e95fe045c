package org.stevedore.transfer.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import java.util.zip.Adler32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.daemon.Instance;
import org.stevedore.catalog.daemon.Instances;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkerId;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.transfer.conveyor.Poller;
import org.stevedore.transfer.conveyor.Submitter;
import org.stevedore.transfer.conveyor.TransferTools;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestQueue;
import org.stevedore.transfer.store.RetryPolicy;
import org.stevedore.transfer.tool.JobStatus;
import org.stevedore.transfer.tool.SubmittedJob;
import org.stevedore.transfer.tool.TransferJob;
import org.stevedore.transfer.tool.TransferTool;

/**
 * Two instances of the service on one store, each with its own conveyor daemons, heartbeats and in-process copier:
 * a local copy belongs to the instance copying it. The other instance's poller leaves it alone while its owner beats,
 * and takes it over (queued again, no attempt counted, never FAILED) once the owner's heartbeats have expired.
 */
class TwoInstancesLocalCopiesTest extends StoreTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int FILES = 24;

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final CountDownLatch aStuck = new CountDownLatch(1);
    /** Copies started, per request key, by either instance. */
    private final Map<String, AtomicInteger> copiesStarted = new ConcurrentHashMap<>();
    private ReplicaStore replicas;
    private RequestClaims claims;
    private RseStore rses;
    private RseProtocolStore protocols;
    private RseExpressionResolver resolver;
    private RuleService service;
    private RuleQueries queries;
    private LocalCopier copierA;
    private LocalCopier copierB;
    private Daemon a;
    private Daemon b;

    @BeforeEach
    void twoInstances() {
        DidStore dids = new DidStore(store, clock);
        AttachmentStore attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
        replicas = new ReplicaStore(store, clock, dids, attachments);
        rses = new RseStore(store, clock);
        protocols = new RseProtocolStore(store);
        AccountStore accounts = new AccountStore(store, clock);
        accounts.add("jdoe", AccountType.USER, null);
        new ScopeStore(store, clock).add("s", "jdoe");
        for (String rse : List.of("DISK_A", "DISK_B")) {
            rses.add(rse);
            protocols.add(rse, Map.of("scheme", "file", "prefix", root.resolve(rse.toLowerCase()).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
        }
        RuleStore rules = new RuleStore(store, clock, new RequestQueue());
        queries = new RuleQueries(store);
        resolver = new RseExpressionResolver(rses);
        service = new RuleService(dids, rules, new RuleInputs(store), rses, accounts, new AccountLimitStore(store),
                resolver::resolve, clock, RuleService.Settings.defaults(), RandomGenerator.of("L64X128MixRandom"));
        dids.add(List.of(NewDid.collection("s", "ds", DidType.DATASET, "jdoe")));

        claims = new RequestClaims(store, clock);
        RequestOutcomes outcomes = new RequestOutcomes(store, clock, new LockOutcomes(rules));
        // Instance A's copies start and then hang, as copies of a process that is about to die.
        copierA = new LocalCopier(2, 2, request -> {
            copiesStarted.computeIfAbsent(request.id(), k -> new AtomicInteger()).incrementAndGet();
            await(aStuck);
        }, channel -> channel.force(true), false);
        copierB = new LocalCopier(2, 2, request ->
                copiesStarted.computeIfAbsent(request.id(), k -> new AtomicInteger()).incrementAndGet(),
                channel -> channel.force(true), false);
        a = instance("node-a", copierA, claims, outcomes, rses, protocols, resolver);
        b = instance("node-b", copierB, claims, outcomes, rses, protocols, resolver);
    }

    /** One process: its own heartbeat store (same store, same clock), identity, local tool, submitter and poller. */
    private Daemon instance(String host, LocalCopier copier, RequestClaims claims, RequestOutcomes outcomes,
                            RseStore rses, RseProtocolStore protocols, RseExpressionResolver resolver) {
        HeartbeatStore heartbeats = new HeartbeatStore(store, clock, TIMEOUT);
        DaemonSettings settings = DaemonSettings.defaults().withHost(host);
        Instances instances = new Instances(heartbeats, Instance.of(settings));
        TransferTools tools = new TransferTools(Map.of(LocalTransferTool.HOST,
                new LocalTransferTool(copier, TapeSources.NONE, instances.self().key())), LocalTransferTool.HOST);
        // One file per job: many jobs, so that the other instance's poller partition surely holds some of A's.
        return new Daemon(List.of(submitter(tools, 1, instances),
                new Poller(outcomes, tools, RetryPolicy.immediate(3), 100, instances)), heartbeats, settings);
    }

    private Submitter submitter(TransferTools tools, int batch, Instances instances) {
        return new Submitter(claims, rses, protocols, tools, resolver::resolve, batch, Submitter.DEFAULT_TAPE_STAGING,
                Submitter.DEFAULT_REQUEUE_DELAY, instances);
    }

    private static TransferTools tools(TransferTool tool) {
        return new TransferTools(Map.of(LocalTransferTool.HOST, tool), LocalTransferTool.HOST);
    }

    @AfterEach
    void stop() {
        aStuck.countDown();
        copierA.close();
        copierB.close();
    }

    @Test
    void anInstancesCopiesAreLeftAloneWhileItBeatsAndTakenOverNotFailedWhenItDies() throws Exception {
        // Both instances beat before there is work, so that each sees the other and takes half of it.
        a.runOnce();
        b.runOnce();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            contents.add(fileOnA("f" + i));
        }
        String rule = service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "DISK_B"), "jdoe").get(0);

        runUntil(() -> count("MATCH (q:Request {state: 'QUEUED'}) RETURN count(q)") == 0, () -> {
            a.runOnce();
            b.runOnce();
        });
        long ofA = count("MATCH (q:Request {state: 'SUBMITTED', owner: 'node-a|%d'}) RETURN count(q)");
        assertThat(ofA).as("instance A submitted its share").isBetween(1L, FILES - 1L);
        // B works its share to the end while A's copies hang; A keeps beating, B's clock nears A's expiry.
        runUntil(() -> count("MATCH (q:Request {state: 'DONE'}) RETURN count(q)") == FILES - ofA, () -> {
            a.runOnce();
            b.runOnce();
        });
        clock.advance(TIMEOUT.minusSeconds(1));
        for (int i = 0; i < 3; i++) {
            b.runOnce();
        }
        assertThat(count("MATCH (q:Request {owner: 'node-a|%d'}) WHERE q.state <> 'SUBMITTED' RETURN count(q)"))
                .as("B never takes a live instance's copies for lost").isZero();
        assertThat(count("MATCH (q:Request) WHERE q.retry_count > 0 OR q.error IS NOT NULL RETURN count(q)")).isZero();
        assertThat(count("MATCH (q:Request {state: 'DONE'}) RETURN count(q)")).isEqualTo(FILES - ofA);

        // A dies: no more beats. Once its last beat is older than the timeout, B takes its copies over.
        clock.advance(Duration.ofSeconds(2));
        runUntil(() -> queries.get(rule).state() == RuleState.OK, () -> b.runOnce());

        assertThat(queries.get(rule).state()).isEqualTo(RuleState.OK);
        assertThat(count("MATCH (q:Request {state: 'DONE'}) RETURN count(q)")).isEqualTo(FILES);
        assertThat(count("MATCH (q:Request {state: 'FAILED'}) RETURN count(q)")).isZero();
        assertThat(count("MATCH (q:Request) WHERE q.retry_count > 0 RETURN count(q)"))
                .as("a crash of an instance is not a transfer attempt").isZero();
        assertThat(count("MATCH (q:Request {owner: 'node-b|%d'}) RETURN count(q)")).isEqualTo(FILES);
        assertThat(count("MATCH (j:TransferJob) RETURN count(j)")).isZero();
        for (int i = 0; i < FILES; i++) {
            Path copy = root.resolve("disk_b").resolve(Lfn2Pfn.hash("s", "f" + i));
            assertThat(Files.readAllBytes(copy)).isEqualTo(contents.get(i));
        }
        // Every file was copied once by B; A's two copy threads each started one more copy, which never ended.
        assertThat(copiesStarted).hasSize(FILES);
        assertThat(copiesStarted.values().stream().mapToInt(AtomicInteger::get).sum())
                .isEqualTo(FILES + Math.min(2, ofA));
    }

    @Test
    void submittersWhosePartitionsOverlapForACycleCopyEachFileOnce() throws Exception {
        aStuck.countDown();
        HeartbeatStore heartbeats = new HeartbeatStore(store, clock, TIMEOUT);
        Instances instanceA = new Instances(heartbeats, new Instance("node-a", 4101));
        Instances instanceB = new Instances(heartbeats, new Instance("node-b", 977));
        for (Instances i : List.of(instanceA, instanceB)) {
            heartbeats.beat(new WorkerId("conveyor-submitter", i.self().host(), i.self().pid(), "conveyor-submitter-0"));
        }
        for (int i = 0; i < 6; i++) {
            fileOnA("f" + i);
        }
        service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "DISK_B"), "jdoe");
        Submitter b = submitter(tools(new LocalTransferTool(copierB, TapeSources.NONE, instanceB.self().key())), 100,
                instanceB);
        LocalTransferTool ofA = new LocalTransferTool(copierA, TapeSources.NONE, instanceA.self().key());
        // B, whose partition still covers everything (it has not seen A yet), runs its whole cycle after A claimed
        // the same requests and before A's tool took them: the overlap an instance's start or death opens.
        TransferTool overlapped = new TransferTool() {
            @Override
            public List<SubmittedJob> submit(List<TransferJob> jobs) {
                b.runOnce(Partition.whole());
                return ofA.submit(jobs);
            }

            @Override
            public Map<String, JobStatus> query(List<String> jobIds) {
                return ofA.query(jobIds);
            }

            @Override
            public void cancel(List<String> jobIds) {
                ofA.cancel(jobIds);
            }

            @Override
            public void setPriority(String jobId, int priority) {
            }

            @Override
            public String owner() {
                return ofA.owner();
            }
        };
        submitter(tools(overlapped), 100, instanceA).runOnce(Partition.whole());

        runUntil(() -> Files.exists(root.resolve("disk_b").resolve(Lfn2Pfn.hash("s", "f5"))), () -> { });
        Thread.sleep(200);
        assertThat(copiesStarted).hasSize(6);
        assertThat(copiesStarted.values()).as("each file copied once").allMatch(n -> n.get() == 1);
        assertThat(count("MATCH (q:Request {state: 'SUBMITTED', owner: 'node-a|4101'}) RETURN count(q)")).isEqualTo(6);
    }

    private byte[] fileOnA(String name) throws IOException {
        byte[] content = ("content of " + name + "\n").repeat(500).getBytes(StandardCharsets.UTF_8);
        Path path = root.resolve("disk_a").resolve(Lfn2Pfn.hash("s", name));
        Files.createDirectories(path.getParent());
        Files.write(path, content);
        Adler32 adler = new Adler32();
        adler.update(content);
        replicas.add("DISK_A", List.of(NewReplica.of("s", name, content.length, "%08x".formatted(adler.getValue()))),
                "jdoe", false, new DidRef("s", "ds"));
        return content;
    }

    private long count(String cypher) {
        String query = cypher.formatted(ProcessHandle.current().pid());
        return store.read(tx -> tx.run(query).single().get(0).asLong());
    }

    private interface Cycle {
        void run() throws Exception;
    }

    private static void runUntil(BooleanSupplier done, Cycle cycle) throws Exception {
        for (int i = 0; i < 400 && !done.getAsBoolean(); i++) {
            cycle.run();
            if (!done.getAsBoolean()) {
                Thread.sleep(25);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
