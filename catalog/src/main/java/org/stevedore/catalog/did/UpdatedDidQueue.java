package org.stevedore.catalog.did;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;

/**
 * The queue of collections whose content changed, consumed by rule re-evaluation. Entries are written in the same
 * transaction as the change, so a change is never lost and never queued without happening.
 */
public final class UpdatedDidQueue {

    public enum Action { ATTACH, DETACH }

    /** One queued change. */
    public record UpdatedDid(String id, String scope, String name, Action action, Instant createdAt) {
    }

    private final Store store;

    public UpdatedDidQueue(Store store) {
        this.store = store;
    }

    void push(TransactionContext tx, DidRef did, Action action, long now) {
        tx.run("CREATE (:UpdatedDid {id: $id, scope: $scope, name: $name, action: $action, created_at: $now})",
                Map.of("id", UUID.randomUUID().toString(), "scope", did.scope(), "name", did.name(),
                        "action", action.name(), "now", now)).consume();
    }

    /** The oldest entries, up to {@code limit}. */
    public List<UpdatedDid> oldest(int limit) {
        return store.read(tx -> tx.run("""
                MATCH (u:UpdatedDid) RETURN u.id AS id, u.scope AS scope, u.name AS name, u.action AS action,
                  u.created_at AS created_at
                ORDER BY u.created_at, u.id LIMIT $limit
                """, Map.of("limit", limit)).list(r -> new UpdatedDid(r.get("id").asString(), r.get("scope").asString(),
                r.get("name").asString(), Action.valueOf(r.get("action").asString()), Times.instant(r.get("created_at")))));
    }

    /** Removes entries once they have been handled. */
    public void remove(List<String> ids) {
        store.write(tx -> tx.run("UNWIND $ids AS id MATCH (u:UpdatedDid {id: id}) DELETE u", Map.of("ids", ids)).consume());
    }
}
