package org.stevedore.transfer.conveyor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
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
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.transfer.archive.ArchiveWorker;
import org.stevedore.transfer.archive.TapeArchives;
import org.stevedore.transfer.local.LocalCopier;
import org.stevedore.transfer.local.LocalTransferTool;
import org.stevedore.transfer.store.ArchiveStore;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestQueue;
import org.stevedore.transfer.store.RetryPolicy;

/**
 * Archive confirmation: a copy written to a TAPE RSE whose tape system confirms archiving is on tape only once
 * archiveinfo says so. Until then its request is ARCHIVING, its replica COPYING and its lock REPLICATING; on TAPE it
 * is DONE and the rule OK; a file the tape system does not know is a failed attempt (retried); an endpoint that does
 * not answer concludes nothing.
 */
class ArchiveConfirmationTest extends StoreTest {

    @TempDir
    Path root;

    private final Clock clock = Clock.systemUTC();
    /** What the fake tape system answers, by replica path; {@code down}: it does not answer. */
    private final Map<String, TapeArchives.Archive> tape = new HashMap<>();
    private boolean down;
    private LocalCopier copier;
    private ReplicaStore replicas;
    private RuleQueries queries;
    private RuleService service;
    private Submitter submitter;
    private Poller poller;
    private ArchiveWorker archiver;

    @BeforeEach
    void grid() throws Exception {
        DidStore dids = new DidStore(store, clock);
        AttachmentStore attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
        replicas = new ReplicaStore(store, clock, dids, attachments);
        RseStore rses = new RseStore(store, clock);
        RseProtocolStore protocols = new RseProtocolStore(store);
        AccountStore accounts = new AccountStore(store, clock);
        accounts.add("jdoe", AccountType.USER, null);
        new ScopeStore(store, clock).add("s", "jdoe");
        rses.add("DISK_A");
        rses.add("CTA", Map.of("rse_type", "TAPE"));
        for (String rse : List.of("DISK_A", "CTA")) {
            protocols.add(rse, Map.of("scheme", "file", "prefix", root.resolve(rse.toLowerCase()).toString(),
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
        }
        RuleStore rules = new RuleStore(store, clock, new RequestQueue());
        queries = new RuleQueries(store);
        RseExpressionResolver resolver = new RseExpressionResolver(rses);
        service = new RuleService(dids, rules, new RuleInputs(store), rses, accounts, new AccountLimitStore(store),
                resolver::resolve, clock, RuleService.Settings.defaults(), RandomGenerator.of("L64X128MixRandom"));
        copier = new LocalCopier(2);
        TransferTools tools = new TransferTools(Map.of(LocalTransferTool.HOST, new LocalTransferTool(copier)),
                LocalTransferTool.HOST);
        TapeArchives archives = new TapeArchives() {
            @Override
            public boolean confirms(String rse) {
                return rse.equals("CTA");
            }

            @Override
            public Map<String, Archive> archiveInfo(String rse, List<String> paths) {
                if (down) {
                    throw new IllegalStateException("archiveinfo: 503 Service Unavailable");
                }
                Map<String, Archive> out = new HashMap<>();
                paths.forEach(p -> out.put(p, tape.getOrDefault(p, new Archive(false, null))));
                return out;
            }
        };
        RequestOutcomes outcomes = new RequestOutcomes(store, clock, new LockOutcomes(rules),
                new org.stevedore.catalog.replica.ReplicaAvailability(), archives::confirms);
        submitter = new Submitter(new RequestClaims(store, clock), rses, protocols, tools, resolver::resolve, 100);
        poller = new Poller(outcomes, tools, RetryPolicy.immediate(3), 100);
        archiver = new ArchiveWorker(new ArchiveStore(store), outcomes, archives, RetryPolicy.immediate(3), 100);
        dids.add(List.of(NewDid.collection("s", "ds", DidType.DATASET, "jdoe")));
        for (String name : List.of("f0", "f1")) {
            byte[] content = ("content of " + name + "\n").repeat(100).getBytes(StandardCharsets.UTF_8);
            Path path = root.resolve("disk_a").resolve(Lfn2Pfn.hash("s", name));
            Files.createDirectories(path.getParent());
            Files.write(path, content);
            Adler32 adler = new Adler32();
            adler.update(content);
            replicas.add("DISK_A", List.of(NewReplica.of("s", name, content.length, "%08x".formatted(adler.getValue()))),
                    "jdoe", false, new DidRef("s", "ds"));
        }
    }

    @AfterEach
    void stop() {
        copier.close();
    }

    private List<String> requestStates() {
        return store.read(tx -> tx.run("MATCH (q:Request) RETURN q.state AS s ORDER BY q.did_key")
                .list(r -> r.get("s").asString()));
    }

    private String request(String file, String property) {
        return store.read(tx -> tx.run("MATCH (q:Request {did_key: $k}) RETURN toString(q[$p]) AS v",
                Map.of("k", "s:" + file, "p", property)).single().get("v").asString(null));
    }

    private String replicaState(String file) {
        return replicas.get(new DidRef("s", file), "CTA").state().name();
    }

    private List<LockState> locks(String ruleId) {
        List<LockState> out = new java.util.ArrayList<>();
        queries.locksOfRule(ruleId, l -> out.add(l.state()));
        return out;
    }

    private void convey(java.util.function.BooleanSupplier until) throws InterruptedException {
        for (int i = 0; i < 300 && !until.getAsBoolean(); i++) {
            submitter.runOnce(Partition.whole());
            poller.runOnce(Partition.whole());
            Thread.sleep(20);
        }
        assertThat(until.getAsBoolean()).as("conveyed in time").isTrue();
    }

    @Test
    void aCopyToTapeIsOnTapeOnlyOnceArchiveinfoSaysSo() throws Exception {
        String ruleId = service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "CTA"), "jdoe").get(0);
        convey(() -> requestStates().equals(List.of("ARCHIVING", "ARCHIVING")));
        // The bytes are there, but not yet on tape: the lock waits, the replica is still being made.
        assertThat(locks(ruleId)).containsOnly(LockState.REPLICATING);
        assertThat(queries.get(ruleId).state()).isEqualTo(RuleState.REPLICATING);
        assertThat(replicaState("f0")).isEqualTo("COPYING");

        // DISK only: still waiting. An endpoint that does not answer: nothing concluded.
        archiver.runOnce(Partition.whole());
        down = true;
        archiver.runOnce(Partition.whole());
        down = false;
        assertThat(requestStates()).containsOnly("ARCHIVING");

        // f0 migrated; f1 unknown to the tape system: a failed attempt, queued again with the reason.
        String f0 = Lfn2Pfn.hash("s", "f0");
        String f1 = Lfn2Pfn.hash("s", "f1");
        tape.put(f0, new TapeArchives.Archive(true, null));
        tape.put(f1, new TapeArchives.Archive(false, "No such file or directory"));
        archiver.runOnce(Partition.whole());
        assertThat(request("f0", "state")).isEqualTo("DONE");
        assertThat(request("f0", "archived_at")).isNotNull();
        assertThat(replicaState("f0")).isEqualTo("AVAILABLE");
        assertThat(request("f1", "state")).isEqualTo("QUEUED");
        assertThat(request("f1", "retry_count")).isEqualTo("1");
        assertThat(request("f1", "error")).isEqualTo("Archive confirmation from CTA: No such file or directory");
        assertThat(locks(ruleId)).containsExactlyInAnyOrder(LockState.OK, LockState.REPLICATING);

        // Written again, then confirmed: the rule is OK.
        tape.remove(f1);
        convey(() -> "ARCHIVING".equals(request("f1", "state")));
        tape.put(f1, new TapeArchives.Archive(true, null));
        archiver.runOnce(Partition.whole());
        assertThat(requestStates()).containsOnly("DONE");
        assertThat(queries.get(ruleId).state()).isEqualTo(RuleState.OK);
    }
}
