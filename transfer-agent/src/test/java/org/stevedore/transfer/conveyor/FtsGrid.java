package org.stevedore.transfer.conveyor;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import okhttp3.HttpUrl;
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
import org.stevedore.catalog.rse.RseDistanceStore;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.rules.evaluation.RuleService;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.LockOutcomes;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
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
import org.stevedore.transfer.store.RequestStore;
import org.stevedore.transfer.store.RetryPolicy;
import org.stevedore.transfer.store.ThrottleStore;
import org.stevedore.transfer.store.TransferLimitStore;

/**
 * A small grid for conveyor tests: davs RSEs served by one FTS3 emulator, account {@code jdoe} with scope {@code s}
 * and dataset {@code s:ds}, and the conveyor's workers over the real store, all on one clock.
 */
final class FtsGrid implements AutoCloseable {

    final Store store;
    final Clock clock;
    final Fts3Emulator fts;
    final String host;
    final Fts3Client client;
    final RseStore rses;
    final RseDistanceStore distances;
    final ReplicaStore replicas;
    final RuleStore rules;
    final RuleQueries queries;
    final RuleService service;
    final RequestStore requests;
    final RequestClaims claims;
    final RequestOutcomes outcomes;
    final TransferLimitStore limits;
    final Submitter submitter;
    final Poller poller;
    final Throttler throttler;
    private final RseProtocolStore protocols;

    FtsGrid(Store store, Clock clock, Fts3EmulatorSettings settings, RetryPolicy retry, List<String> diskRses) {
        this.store = store;
        this.clock = clock;
        fts = Fts3Emulator.start(settings, clock);
        host = HttpUrl.get(fts.endpoint()).toString();
        DidStore dids = new DidStore(store, clock);
        AttachmentStore attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
        replicas = new ReplicaStore(store, clock, dids, attachments);
        rses = new RseStore(store, clock);
        distances = new RseDistanceStore(store, clock);
        protocols = new RseProtocolStore(store);
        AccountStore accounts = new AccountStore(store, clock);
        accounts.add("jdoe", AccountType.USER, null);
        new ScopeStore(store, clock).add("s", "jdoe");
        diskRses.forEach(r -> rse(r, Map.of()));
        rules = new RuleStore(store, clock, new RequestQueue());
        queries = new RuleQueries(store);
        RseExpressionResolver resolver = new RseExpressionResolver(rses);
        service = new RuleService(dids, rules, new RuleInputs(store), rses, accounts, new AccountLimitStore(store),
                resolver::resolve, clock, RuleService.Settings.defaults(), RandomGenerator.of("L64X128MixRandom"));
        Fts3Config ftsConfig = Fts3Config.defaults(fts.endpoint());
        client = new Fts3Client(ftsConfig, Fts3HttpClients.plain(ftsConfig),
                new Fts3Auth.BearerToken("test-token"), clock, Sleeper.real());
        TransferTools tools = new TransferTools(Map.of(host, client), null);
        requests = new RequestStore(store);
        claims = new RequestClaims(store, clock);
        outcomes = new RequestOutcomes(store, clock, new LockOutcomes(rules));
        limits = new TransferLimitStore(store, clock);
        submitter = new Submitter(claims, rses, protocols, tools, resolver::resolve, 500);
        poller = new Poller(outcomes, tools, retry, 500);
        throttler = new Throttler(new ThrottleStore(store, clock), clock, 500, Duration.ZERO);
        dids.add(List.of(NewDid.collection("s", "ds", DidType.DATASET, "jdoe")));
    }

    /** An RSE served by the emulator, with a davs protocol on its own host name. */
    void rse(String rse, Map<String, ?> settings) {
        rses.add(rse, settings);
        rses.setAttribute(rse, "fts", host);
        String hostname = rse.toLowerCase().replace('_', '-') + ".example.org";
        protocols.add(rse, Map.of("scheme", "davs", "hostname", hostname, "port", 443, "prefix", "/data",
                "domains", Map.of("wan", Map.of("read", 1, "write", 1, "delete", 1,
                        "third_party_copy_read", 1, "third_party_copy_write", 1))));
    }

    /** Registers {@code n} files {@code prefix0..} of {@code bytes} each on {@code rse}, in the dataset. */
    List<NewReplica> files(String rse, String prefix, int n, long bytes) {
        List<NewReplica> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            files.add(NewReplica.of("s", prefix + i, bytes, "0000abcd"));
        }
        replicas.add(rse, files, "jdoe", false, new DidRef("s", "ds"));
        return files;
    }

    /** One copy of the dataset on {@code rse}, for the given activity (null: the default). */
    String rule(String rse, String activity) {
        RuleRequest request = RuleRequest.of(List.of(new DidRef("s", "ds")), 1, rse);
        if (activity != null) {
            request = new RuleRequest(request.dids(), request.account(), request.copies(), request.rseExpression(),
                    null, null, null, null, null, activity, null, null, null, null, null, null, null, null);
        }
        return service.add(request, "jdoe").get(0);
    }

    long count(String cypher) {
        return store.read(tx -> tx.run(cypher).single().get(0).asLong());
    }

    long inState(String state) {
        return store.read(tx -> tx.run("MATCH (q:Request {state: $s}) RETURN count(q)", Map.of("s", state))
                .single().get(0).asLong());
    }

    /** The request of file {@code name} as the API lists it. */
    RequestStore.Request request(String name) {
        List<RequestStore.Request> found = new ArrayList<>();
        requests.list(null, null, 0, q -> {
            if (q.name().equals(name)) {
                found.add(q);
            }
        });
        if (found.size() != 1) {
            throw new AssertionError("expected one request of " + name + ", found " + found);
        }
        return found.get(0);
    }

    String requestProperty(String name, String property) {
        return store.read(tx -> tx.run("""
                MATCH (q:Request) WHERE q.did_key ENDS WITH ':' + $n RETURN toString(q[$p]) AS v""",
                Map.of("n", name, "p", property)).single().get("v").asString(null));
    }

    int submit() {
        return submitter.runOnce(Partition.whole()).items();
    }

    int poll() {
        return poller.runOnce(Partition.whole()).items();
    }

    int release() {
        return throttler.runOnce(Partition.whole()).items();
    }

    @Override
    public void close() {
        fts.close();
    }
}
