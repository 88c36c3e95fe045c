package org.stevedore.catalog.testing;

import java.util.Map;
import org.stevedore.catalog.store.Store;

/**
 * Minimal graph pieces written with raw Cypher, for tests of one store that need another store's nodes. The layout
 * matches what the account, scope and RSE stores write.
 */
public final class Fixtures {

    private Fixtures() {
    }

    public static void scope(Store store, String scope, String account) {
        store.run("MERGE (a:Account {account: $a}) ON CREATE SET a.account_type = 'USER', a.status = 'ACTIVE' "
                + "CREATE (:Scope {scope: $s, account: $a, status: 'OPEN', created_at: timestamp()})",
                Map.of("s", scope, "a", account));
    }

    public static String rse(Store store, String rse, boolean deterministic) {
        String id = java.util.UUID.randomUUID().toString().replace("-", "");
        store.run("""
                CREATE (:Rse {id: $id, rse: $rse, rse_type: 'DISK', deterministic: $det, volatile: false,
                  staging_area: false, availability_read: true, availability_write: true, availability_delete: true,
                  lfn2pfn_algorithm: 'hash', created_at: timestamp(), updated_at: timestamp()})
                """, Map.of("id", id, "rse", rse, "det", deterministic));
        return id;
    }
}
