package org.stevedore.bench;

import java.time.Clock;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.catalog.store.Store;

/** The catalog's stores wired as the web application wires them (see web's CatalogConfig). */
record Catalog(Store store, AccountStore accounts, ScopeStore scopes, RseStore rses, DidStore dids,
               AttachmentStore attachments, ReplicaStore replicas) {

    static Catalog of(Store store, Clock clock) {
        DidStore dids = new DidStore(store, clock);
        AttachmentStore attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
        return new Catalog(store, new AccountStore(store, clock), new ScopeStore(store, clock), new RseStore(store, clock),
                dids, attachments, new ReplicaStore(store, clock, dids, attachments));
    }

    /** The account, scope and RSE every scenario writes into, made through their stores. */
    void prepare(Workload workload) {
        accounts.add(workload.account(), AccountType.USER, workload.account() + "@example.org");
        scopes.add(workload.scope(), workload.account());
        rses.add(workload.rse());
    }
}
