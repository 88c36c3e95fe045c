package org.stevedore.catalog.did;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;

/**
 * The queue of collections whose content changed, consumed by rule re-evaluation. Entries are written in the same
 * transaction as the change, so a change is never lost and never queued without happening.
 */
public final class UpdatedDidQueue {

    public enum Action { ATTACH, DETACH }

    /** One queued change: {@code children} are the keys of the DIDs attached to or detached from the collection. */
    public record UpdatedDid(String id, String scope, String name, Action action, List<String> children, Instant createdAt) {
    }

    private final Store store;

    public UpdatedDidQueue(Store store) {
        this.store = store;
    }

    public void push(TransactionContext tx, DidRef did, Action action, List<String> children, long now) {
        tx.run("""
                CREATE (:UpdatedDid {id: $id, scope: $scope, name: $name, action: $action, children: $children,
                                     created_at: $now, hash_bucket: $bucket})
                """, Map.of("id", UUID.randomUUID().toString(), "scope", did.scope(), "name", did.name(),
                        "action", action.name(), "children", children, "now", now,
                        "bucket", Partition.bucket(did.key()))).consume();
    }

    /**
     * Queues several changes of one action in one round trip: each row holds the collection's {@code scope},
     * {@code name} and {@code key}, and the {@code children} keys that changed.
     */
    public void pushAll(TransactionContext tx, Action action, List<Map<String, Object>> rows, long now) {
        if (rows.isEmpty()) {
            return;
        }
        List<Map<String, Object>> entries = rows.stream().map(r -> Map.<String, Object>of(
                "id", UUID.randomUUID().toString(), "scope", r.get("scope"), "name", r.get("name"),
                "children", r.get("children"), "bucket", Partition.bucket((String) r.get("key")))).toList();
        tx.run("""
                UNWIND $rows AS row
                CREATE (:UpdatedDid {id: row.id, scope: row.scope, name: row.name, action: $action,
                                     children: row.children, created_at: $now, hash_bucket: row.bucket})
                """, Map.of("rows", entries, "action", action.name(), "now", now)).consume();
    }

    /** The oldest entries, up to {@code limit}. */
    public List<UpdatedDid> oldest(int limit) {
        return oldest(Partition.whole(), limit);
    }

    /**
     * The oldest entries of a partition (by collection, so one collection's changes are handled in order by one
     * worker), up to {@code limit}.
     */
    public List<UpdatedDid> oldest(Partition partition, int limit) {
        Map<String, Object> params = new java.util.HashMap<>(partition.cypherParams());
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (u:UpdatedDid) WHERE %s
                RETURN u.id AS id, u.scope AS scope, u.name AS name, u.action AS action, u.children AS children,
                  u.created_at AS created_at
                ORDER BY u.created_at, u.id LIMIT $limit
                """.formatted(partition.cypherFilter("u")), params).list(r -> new UpdatedDid(r.get("id").asString(),
                r.get("scope").asString(), r.get("name").asString(), Action.valueOf(r.get("action").asString()),
                r.get("children").isNull() ? List.of() : r.get("children").asList(v -> v.asString()),
                Times.instant(r.get("created_at")))));
    }

    /** Removes entries once they have been handled. */
    public void remove(List<String> ids) {
        store.write(tx -> tx.run("UNWIND $ids AS id MATCH (u:UpdatedDid {id: id}) DELETE u", Map.of("ids", ids)).consume());
    }
}
