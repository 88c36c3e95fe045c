package org.stevedore.rules.evaluation;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.rules.expression.RseExpressionResolver;
import org.stevedore.rules.store.RuleChanges;
import org.stevedore.rules.store.RuleInputs;
import org.stevedore.rules.store.RuleQueries;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.transfer.store.RequestQueue;

/** The stores and service of rule tests, with helpers that build a small grid. */
final class RuleFixture {

    final Store store;
    final Clock clock;
    final DidStore dids;
    final AttachmentStore attachments;
    final ReplicaStore replicas;
    final RseStore rses;
    final AccountStore accounts;
    final AccountLimitStore limits;
    final RuleStore rules;
    final RuleQueries queries;
    final RuleChanges changes;
    final RuleService service;
    final RuleMaintenance maintenance;

    RuleFixture(Store store, Clock clock, long injectThreshold) {
        this.store = store;
        this.clock = clock;
        dids = new DidStore(store, clock);
        attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
        replicas = new ReplicaStore(store, clock, dids, attachments);
        rses = new RseStore(store, clock);
        accounts = new AccountStore(store, clock);
        limits = new AccountLimitStore(store);
        rules = new RuleStore(store, clock, new RequestQueue());
        queries = new RuleQueries(store);
        changes = new RuleChanges(rules, clock);
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        service = new RuleService(dids, rules, new RuleInputs(store), rses, accounts, limits,
                new RseExpressionResolver(rses)::resolve, clock,
                new RuleService.Settings(injectThreshold, java.time.Duration.ofDays(14)), random);
        maintenance = new RuleMaintenance(rules, new RuleInputs(store), rses, limits,
                new RseExpressionResolver(rses)::resolve, clock, service.settings(), random);
        if (!accounts.exists("jdoe")) {
            accounts.add("jdoe", AccountType.USER, null);
            new ScopeStore(store, clock).add("s", "jdoe");
        }
    }

    void rse(String name, Map<String, ?> attributes) {
        rses.add(name);
        if (!attributes.isEmpty()) {
            rses.setAttributes(name, attributes);
        }
    }

    /** A dataset of {@code n} files of {@code bytes} each, with replicas on {@code rse} (none when rse is null). */
    List<String> dataset(String name, int n, long bytes, String rse) {
        dids.add(List.of(NewDid.collection("s", name, DidType.DATASET, "jdoe")));
        List<String> names = new ArrayList<>();
        List<DidRef> refs = new ArrayList<>();
        List<NewReplica> files = new ArrayList<>();
        List<NewDid> bare = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String f = name + ".f" + i;
            names.add(f);
            refs.add(new DidRef("s", f));
            files.add(NewReplica.of("s", f, bytes, "00000001"));
            bare.add(NewDid.file("s", f, "jdoe", bytes, "00000001"));
        }
        if (rse != null) {
            replicas.add(rse, files, "jdoe", true, new DidRef("s", name));
        } else {
            dids.add(bare);
            attachments.attach(new DidRef("s", name), refs, false);
        }
        return names;
    }

    long count(String cypher) {
        return store.read(tx -> tx.run(cypher).single().get(0).asLong());
    }

    long count(String cypher, Map<String, Object> params) {
        return store.read(tx -> tx.run(cypher, params).single().get(0).asLong());
    }
}
