package org.stevedore.transfer.fts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
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
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.testsupport.fts.Fts3Emulator;
import org.stevedore.testsupport.fts.Fts3EmulatorSettings;
import org.stevedore.transfer.conveyor.Poller;
import org.stevedore.transfer.conveyor.Submitter;
import org.stevedore.transfer.conveyor.TransferTools;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestQueue;

/**
 * The conveyor with FTS clients made from configuration: whatever FTS URL a destination's {@code fts} attribute names
 * (set after the tools were built) gets its client on first use; without credentials, or with an attribute that is
 * no URL, the requests wait in the queue with the reason. Against the FTS3 emulator, over real HTTP.
 */
class FtsFromAttributeConveyorTest extends StoreTest {

    private final Clock clock = Clock.systemUTC();
    @TempDir
    Path tmp;
    private Fts3Emulator fts;
    private RseStore rses;
    private RuleStore rules;
    private RuleQueries queries;
    private RuleService service;
    private RequestClaims claims;
    private RequestOutcomes outcomes;
    private RseProtocolStore protocols;
    private RseExpressionResolver resolver;
    private ReplicaStore replicas;
    private TransferTools tools;

    @BeforeEach
    void grid() {
        fts = Fts3Emulator.start(Fts3EmulatorSettings.instant().withDelegationRequired(true), clock);
        DidStore dids = new DidStore(store, clock);
        AttachmentStore attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
        replicas = new ReplicaStore(store, clock, dids, attachments);
        rses = new RseStore(store, clock);
        protocols = new RseProtocolStore(store);
        AccountStore accounts = new AccountStore(store, clock);
        accounts.add("jdoe", AccountType.USER, null);
        new ScopeStore(store, clock).add("s", "jdoe");
        for (String rse : List.of("SITE_A", "SITE_B")) {
            rses.add(rse);
            String hostname = rse.toLowerCase().replace('_', '-') + ".example.org";
            protocols.add(rse, Map.of("scheme", "davs", "hostname", hostname, "port", 443, "prefix", "/data",
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1))));
        }
        rules = new RuleStore(store, clock, new RequestQueue());
        queries = new RuleQueries(store);
        resolver = new RseExpressionResolver(rses);
        service = new RuleService(dids, rules, new RuleInputs(store), rses, accounts, new AccountLimitStore(store),
                resolver::resolve, clock, RuleService.Settings.defaults(), RandomGenerator.of("L64X128MixRandom"));
        claims = new RequestClaims(store, clock);
        outcomes = new RequestOutcomes(store, clock, new LockOutcomes(rules));
        dids.add(List.of(NewDid.collection("s", "ds", DidType.DATASET, "jdoe")));
        List<NewReplica> files = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            files.add(NewReplica.of("s", "f" + i, 1_000 + i, "0000abcd"));
        }
        replicas.add("SITE_A", files, "jdoe", false, new DidRef("s", "ds"));
    }

    @AfterEach
    void stop() {
        if (tools != null) {
            tools.close();
        }
        fts.close();
    }

    private Path caDirectory(FtsTestPki pki) {
        try {
            Path dir = Files.createDirectories(tmp.resolve("certificates"));
            StringWriter pem = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(pem)) {
                writer.writeObject(pki.ca);
            }
            Files.writeString(dir.resolve("ca.pem"), pem.toString());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void useTools(Fts3Auth auth) {
        FtsTestPki pki = new FtsTestPki();
        Fts3Clients clients = new Fts3Clients(Fts3Config.defaults(fts.endpoint()).withMaxFilesPerJob(2), auth,
                caDirectory(pki), clock, "set stevedore.transfer.fts.proxy");
        tools = new TransferTools(Map.of(), null, clients::create);
    }

    private Submitter submitter() {
        return new Submitter(claims, rses, protocols, tools, resolver::resolve, 100);
    }

    private String ruleToSiteB() {
        return service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "SITE_B"), "jdoe").get(0);
    }

    private List<Map<String, Object>> requestRows() {
        return store.read(tx -> tx.run("""
                MATCH (q:Request) RETURN q.state AS state, q.error AS error, q.external_host AS host ORDER BY q.key
                """).list(r -> r.asMap()));
    }

    @Test
    void anFtsUrlSetAfterStartUpGetsAClientOnFirstUseAndTheRuleCompletesThroughIt() {
        useTools(new Fts3Auth.X509(new FtsTestPki().user("stevedore", java.time.Duration.ofDays(3))));
        // Set now, after the tools were built, and without the trailing slash OkHttp adds.
        String attribute = "http://" + fts.endpoint().getHost() + ":" + fts.endpoint().getPort();
        rses.setAttribute("SITE_A", "fts", attribute);
        rses.setAttribute("SITE_B", "fts", attribute);
        String id = ruleToSiteB();

        assertThat(submitter().runOnce(Partition.whole()).items()).isEqualTo(5);
        Poller poller = new Poller(outcomes, tools, 3, 100);
        for (int i = 0; i < 10 && queries.get(id).state() != RuleState.OK; i++) {
            poller.runOnce(Partition.whole());
        }

        assertThat(queries.get(id).state()).isEqualTo(RuleState.OK);
        // Five files, at most two per FTS job (the configured files per job).
        assertThat(fts.jobCount()).isEqualTo(3);
        assertThat(requestRows()).allSatisfy(r -> assertThat(r).containsEntry("state", "DONE")
                .containsEntry("host", attribute + "/"));
        assertThat(tools.tool(attribute + "/")).get().isSameAs(tools.tool(attribute).orElseThrow());
    }

    @Test
    void withoutCredentialsTheRequestsWaitInTheQueueSayingWhatToConfigure() {
        useTools(null);
        rses.setAttribute("SITE_B", "fts", fts.endpoint().toString());
        String id = ruleToSiteB();

        submitter().runOnce(Partition.whole());

        assertThat(requestRows()).hasSize(5).allSatisfy(r -> {
            assertThat(r).containsEntry("state", "QUEUED");
            assertThat((String) r.get("error")).contains("No FTS credentials configured")
                    .contains("set stevedore.transfer.fts.proxy");
        });
        assertThat(fts.requestCount()).isZero();
        assertThat(queries.get(id).state()).isEqualTo(RuleState.REPLICATING);
    }

    @Test
    void anFtsAttributeThatIsNoUrlLeavesTheRequestsQueuedWithTheReason() {
        useTools(new Fts3Auth.BearerToken("token"));
        rses.setAttribute("SITE_B", "fts", "fts3.example.org:8446");
        ruleToSiteB();

        submitter().runOnce(Partition.whole());

        assertThat(requestRows()).hasSize(5).allSatisfy(r -> {
            assertThat(r).containsEntry("state", "QUEUED");
            assertThat((String) r.get("error")).contains("'fts3.example.org:8446'").contains("not an http(s) URL");
        });
    }
}
