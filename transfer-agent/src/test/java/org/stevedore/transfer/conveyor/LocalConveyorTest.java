package org.stevedore.transfer.conveyor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.zip.Adler32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.rules.store.LockState;
import org.stevedore.rules.store.Rule;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.transfer.local.LocalCopier;
import org.stevedore.transfer.local.LocalTransferTool;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestQueue;
import org.stevedore.transfer.store.TransferEvents;

/** A rule across two posix RSEs, carried out by the submitter and poller with the local tool: real bytes move. */
class LocalConveyorTest extends StoreTest {

    @TempDir
    Path root;

    private final Clock clock = Clock.systemUTC();
    private LocalCopier copier;
    private RseStore rses;
    private ReplicaStore replicas;
    private DidStore dids;
    private RuleStore rules;
    private RuleQueries queries;
    private RuleService service;
    private Submitter submitter;
    private Poller poller;
    private RequestClaims claims;
    private RequestOutcomes outcomes;
    private RseProtocolStore protocols;
    private RseExpressionResolver resolver;

    @BeforeEach
    void grid() {
        dids = new DidStore(store, clock);
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
        rules = new RuleStore(store, clock, new RequestQueue());
        queries = new RuleQueries(store);
        resolver = new RseExpressionResolver(rses);
        service = new RuleService(dids, rules, new RuleInputs(store), rses, accounts, new AccountLimitStore(store),
                resolver::resolve, clock, RuleService.Settings.defaults(), RandomGenerator.of("L64X128MixRandom"));
        copier = new LocalCopier(2);
        TransferTools tools = new TransferTools(Map.of(LocalTransferTool.HOST, new LocalTransferTool(copier)),
                LocalTransferTool.HOST);
        claims = new RequestClaims(store, clock);
        outcomes = new RequestOutcomes(store, clock, new LockOutcomes(rules));
        submitter = new Submitter(claims, rses, protocols, tools, resolver::resolve, 100);
        poller = new Poller(outcomes, tools, org.stevedore.transfer.store.RetryPolicy.immediate(3), 100);
        dids.add(List.of(NewDid.collection("s", "ds", DidType.DATASET, "jdoe")));
    }

    @AfterEach
    void stop() {
        copier.close();
    }

    /** Writes a real file where DISK_A keeps it and registers it; answers its content. */
    private byte[] fileOnA(String name, String registeredAdler) throws IOException {
        byte[] content = ("content of " + name + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8);
        Path path = root.resolve("disk_a").resolve(Lfn2Pfn.hash("s", name));
        Files.createDirectories(path.getParent());
        Files.write(path, content);
        Adler32 adler = new Adler32();
        adler.update(content);
        String checksum = registeredAdler != null ? registeredAdler : "%08x".formatted(adler.getValue());
        replicas.add("DISK_A", List.of(NewReplica.of("s", name, content.length, checksum)), "jdoe", false,
                new DidRef("s", "ds"));
        return content;
    }

    private void runConveyorUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 300 && !done.getAsBoolean(); i++) {
            submitter.runOnce(Partition.whole());
            poller.runOnce(Partition.whole());
            if (!done.getAsBoolean()) {
                Thread.sleep(50);
            }
        }
    }

    @Test
    void aRuleAcrossTwoPosixRsesReachesOkAndTheBytesMatch() throws Exception {
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            contents.add(fileOnA("f" + i, null));
        }
        String id = service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "DISK_B"), "jdoe").get(0);
        runConveyorUntil(() -> queries.get(id).state() == RuleState.OK);

        Rule rule = queries.get(id);
        assertThat(rule.state()).isEqualTo(RuleState.OK);
        assertThat(rule.locksOk()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            Path copy = root.resolve("disk_b").resolve(Lfn2Pfn.hash("s", "f" + i));
            assertThat(Files.readAllBytes(copy)).isEqualTo(contents.get(i));
            assertThat(replicas.get(new DidRef("s", "f" + i), "DISK_B").state().name()).isEqualTo("AVAILABLE");
        }
        long done = store.read(tx -> tx.run("MATCH (q:Request {state: 'DONE', source_rse: 'DISK_A'}) RETURN count(q)")
                .single().get(0).asLong());
        assertThat(done).isEqualTo(5);
    }

    @Test
    void aCopyThatNeverVerifiesIsRetriedThenItsLockIsStuckWithTheReason() throws Exception {
        fileOnA("bad", "00000001");
        String id = service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "DISK_B"), "jdoe").get(0);
        runConveyorUntil(() -> queries.get(id).state() == RuleState.STUCK);

        Rule rule = queries.get(id);
        assertThat(rule.state()).isEqualTo(RuleState.STUCK);
        List<RuleQueries.Lock> locks = new ArrayList<>();
        queries.locksOfRule(id, locks::add);
        assertThat(locks).singleElement().satisfies(l -> {
            assertThat(l.state()).isEqualTo(LockState.STUCK);
            assertThat(l.error()).isNotBlank();
        });
        long retries = store.read(tx -> tx.run("MATCH (q:Request {state: 'FAILED'}) RETURN q.retry_count")
                .single().get(0).asLong());
        assertThat(retries).isEqualTo(4);
        assertThat(Files.exists(root.resolve("disk_b").resolve(Lfn2Pfn.hash("s", "bad")))).isFalse();
    }

    @Test
    void everyTransferAndEveryFailedAttemptIsAnnouncedInTheKeysOfRuciosMessages() throws Exception {
        fileOnA("good", null);
        fileOnA("bad", "00000001");
        String id = service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "DISK_B"), "jdoe").get(0);
        runConveyorUntil(() -> queries.get(id).state() == RuleState.STUCK);

        Events events = new Events(store);
        List<JsonNode> done = transfers(events, TransferEvents.TRANSFERS_DONE);
        assertThat(done).singleElement().satisfies(d -> {
            assertThat(d.get("scope").asText()).isEqualTo("s");
            assertThat(d.get("name").asText()).isEqualTo("good");
            assertThat(d.get("src-rse").asText()).isEqualTo("DISK_A");
            assertThat(d.get("dst-rse").asText()).isEqualTo("DISK_B");
            assertThat(d.get("file-size").asLong()).isEqualTo(d.get("bytes").asLong()).isPositive();
            assertThat(d.get("checksum-adler").asText()).hasSize(8);
            assertThat(d.get("request-id").asText()).isNotBlank();
            assertThat(d.get("transfer-id").asText()).isNotBlank();
            assertThat(d.get("reason").isNull()).isTrue();
        });
        List<JsonNode> failed = transfers(events, TransferEvents.TRANSFERS_FAILED);
        assertThat(failed).as("each of the 4 attempts").hasSize(4).allSatisfy(f -> {
            assertThat(f.get("name").asText()).isEqualTo("bad");
            assertThat(f.get("dst-rse").asText()).isEqualTo("DISK_B");
            assertThat(f.get("reason").asText()).isNotBlank();
        });
    }

    private static List<JsonNode> transfers(Events events, String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (Events.Event e : events.since(type, 0, "", 100)) {
            new ObjectMapper().readTree(e.payload()).get(TransferEvents.LIST).forEach(out::add);
        }
        return out;
    }

    /** The conveyor of one process of the service, with its own local tool: its jobs live and die with it. */
    private record Process(Submitter submitter, Poller poller) {
    }

    private Process process(LocalCopier processCopier) {
        TransferTools tools = new TransferTools(Map.of(LocalTransferTool.HOST, new LocalTransferTool(processCopier)),
                LocalTransferTool.HOST);
        return new Process(new Submitter(claims, rses, protocols, tools, resolver::resolve, 100),
                new Poller(outcomes, tools, org.stevedore.transfer.store.RetryPolicy.immediate(3), 100));
    }

    private String request(String property) {
        return store.read(tx -> tx.run("MATCH (q:Request) RETURN toString(q[$p]) AS v", Map.of("p", property))
                .single().get("v").asString(null));
    }

    @Test
    void aCrashOfTheServiceIsNotATransferAttemptHoweverOftenItHappens() throws Exception {
        byte[] content = fileOnA("f0", null);
        String id = service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "DISK_B"), "jdoe").get(0);

        // More crashes than the request has retries (3): each one after the job was submitted, before its end.
        for (int crash = 1; crash <= 5; crash++) {
            try (LocalCopier dying = new LocalCopier(1)) {
                assertThat(process(dying).submitter().runOnce(Partition.whole()).items()).as("crash %d", crash)
                        .isEqualTo(1);
            }
            // The next process's tool never heard of the job: it died with the last one.
            process(copier).poller().runOnce(Partition.whole());
            assertThat(request("state")).as("crash %d", crash).isEqualTo("QUEUED");
            assertThat(request("retry_count")).as("attempts counted after crash %d", crash).isNull();
            assertThat(request("error")).contains("restarted");
            assertThat(queries.get(id).state()).isEqualTo(RuleState.REPLICATING);
        }

        runConveyorUntil(() -> queries.get(id).state() == RuleState.OK);
        assertThat(queries.get(id).state()).isEqualTo(RuleState.OK);
        assertThat(request("state")).isEqualTo("DONE");
        assertThat(request("retry_count")).isNull();
        assertThat(Files.readAllBytes(root.resolve("disk_b").resolve(Lfn2Pfn.hash("s", "f0")))).isEqualTo(content);
    }
}
