package org.stevedore.transfer.conveyor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.catalog.time.Sleeper;
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
import org.stevedore.transfer.fts.Fts3Auth;
import org.stevedore.transfer.fts.Fts3Client;
import org.stevedore.transfer.fts.Fts3Config;
import org.stevedore.transfer.fts.Fts3HttpClients;
import org.stevedore.transfer.store.RequestClaims;
import org.stevedore.transfer.store.RequestOutcomes;
import org.stevedore.transfer.store.RequestQueue;

/**
 * The conveyor driving FTS: destinations whose {@code fts} attribute names a server get their transfers submitted
 * there in bulk and finished from its answers. Against the stateful FTS3 emulator.
 */
class FtsConveyorTest extends StoreTest {

    private final MutableClock clock = new MutableClock(Instant.now());
    private Fts3Emulator fts;
    private RuleStore rules;
    private RuleQueries queries;
    private RuleService service;
    private Submitter submitter;
    private Poller poller;
    private ReplicaStore replicas;

    private void grid(Fts3EmulatorSettings settings) {
        fts = Fts3Emulator.start(settings, clock);
        String host = HttpUrl.get(fts.endpoint()).toString();
        DidStore dids = new DidStore(store, clock);
        AttachmentStore attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
        replicas = new ReplicaStore(store, clock, dids, attachments);
        RseStore rses = new RseStore(store, clock);
        RseProtocolStore protocols = new RseProtocolStore(store);
        AccountStore accounts = new AccountStore(store, clock);
        accounts.add("jdoe", AccountType.USER, null);
        new ScopeStore(store, clock).add("s", "jdoe");
        for (String rse : List.of("SITE_A", "SITE_B")) {
            rses.add(rse);
            rses.setAttribute(rse, "fts", host);
            String hostname = rse.toLowerCase().replace('_', '-') + ".example.org";
            protocols.add(rse, Map.of("scheme", "davs", "hostname", hostname, "port", 443, "prefix", "/data",
                    "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1,
                            "third_party_copy_read", 1, "third_party_copy_write", 1))));
        }
        rules = new RuleStore(store, clock, new RequestQueue());
        queries = new RuleQueries(store);
        RseExpressionResolver resolver = new RseExpressionResolver(rses);
        service = new RuleService(dids, rules, new RuleInputs(store), rses, accounts, new AccountLimitStore(store),
                resolver::resolve, clock, RuleService.Settings.defaults(), RandomGenerator.of("L64X128MixRandom"));
        Fts3Config ftsConfig = Fts3Config.defaults(fts.endpoint());
        Fts3Client client = new Fts3Client(ftsConfig, Fts3HttpClients.plain(ftsConfig),
                new Fts3Auth.BearerToken("test-token"), clock, Sleeper.real());
        TransferTools tools = new TransferTools(Map.of(host, client), null);
        RequestClaims claims = new RequestClaims(store, clock);
        RequestOutcomes outcomes = new RequestOutcomes(store, clock, new LockOutcomes(rules));
        submitter = new Submitter(claims, rses, protocols, tools, resolver::resolve, 500);
        poller = new Poller(outcomes, tools, 3, 500);
        dids.add(List.of(NewDid.collection("s", "ds", DidType.DATASET, "jdoe")));
    }

    @AfterEach
    void stop() {
        if (fts != null) {
            fts.close();
        }
    }

    @Test
    void transfersGoToTheFtsServerOfTheDestinationInOneBulkJobAndFinish() {
        grid(Fts3EmulatorSettings.instant());
        List<NewReplica> files = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            files.add(NewReplica.of("s", "f" + i, 1_000 + i, "0000abcd"));
        }
        replicas.add("SITE_A", files, "jdoe", false, new DidRef("s", "ds"));
        String id = service.add(RuleRequest.of(List.of(new DidRef("s", "ds")), 1, "SITE_B"), "jdoe").get(0);

        assertThat(submitter.runOnce(Partition.whole()).items()).isEqualTo(300);
        long requestsAfterSubmit = fts.requestCount();
        for (int i = 0; i < 10 && queries.get(id).state() != RuleState.OK; i++) {
            poller.runOnce(Partition.whole());
        }
        assertThat(queries.get(id).state()).isEqualTo(RuleState.OK);
        assertThat(queries.get(id).locksOk()).isEqualTo(300);
        // 300 files on one link: two FTS jobs of at most 200 files, polled in one bulk request.
        assertThat(fts.jobCount()).isEqualTo(2);
        assertThat(fts.requestCount() - requestsAfterSubmit).isLessThanOrEqualTo(2);
        long done = store.read(tx -> tx.run("""
                MATCH (q:Request {state: 'DONE', source_rse: 'SITE_A'}) WHERE q.external_host STARTS WITH 'http'
                RETURN count(q)""").single().get(0).asLong());
        assertThat(done).isEqualTo(300);
        assertThat(replicas.get(new DidRef("s", "f7"), "SITE_B").state().name()).isEqualTo("AVAILABLE");
    }

    @Test
    void aRetryIsANewFtsJobEvenWhenItCarriesTheSameFilesOverTheSameLink() {
        // The first attempt fails, every later one succeeds. The retry has one source, so it goes over the same link
        // with the same file: had its job the id of the first one, FTS would answer 409 and the retry never run.
        AtomicInteger attempts = new AtomicInteger();
        grid(Fts3EmulatorSettings.instant().withFailures(0, url -> attempts.getAndIncrement() == 0));
        replicas.add("SITE_A", List.of(NewReplica.of("s", "once", 1_000, "0000abcd")), "jdoe", false,
                new DidRef("s", "ds"));
        String id = service.add(RuleRequest.of(List.of(new DidRef("s", "once")), 1, "SITE_B"), "jdoe").get(0);

        for (int i = 0; i < 4 && queries.get(id).state() != RuleState.OK; i++) {
            submitter.runOnce(Partition.whole());
            poller.runOnce(Partition.whole());
            clock.advance(Duration.ofMinutes(5));
        }

        assertThat(queries.get(id).state()).isEqualTo(RuleState.OK);
        assertThat(fts.jobCount()).isEqualTo(2);
        assertThat(attempts.get()).isEqualTo(2);
    }
}
