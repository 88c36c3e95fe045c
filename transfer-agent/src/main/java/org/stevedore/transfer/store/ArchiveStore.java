package org.stevedore.transfer.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.store.Store;

/**
 * Requests whose copy reached a TAPE RSE and waits for the tape system to confirm it on tape (ARCHIVING, set by
 * {@link RequestOutcomes}): the archive worker's reads. Their ends go through {@link RequestOutcomes} like any other
 * outcome.
 */
public final class ArchiveStore {

    /** One copy waiting: its request, the destination RSE and the replica path there. */
    public record Waiting(String requestKey, String rse, String path) {
    }

    private final Store store;

    public ArchiveStore(Store store) {
        this.store = store;
    }

    /** ARCHIVING requests of a partition, longest waiting first, up to {@code limit}. */
    public List<Waiting> waiting(Partition partition, int limit) {
        Map<String, Object> params = new HashMap<>(partition.cypherParams());
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (q:Request {state: 'ARCHIVING'}) WHERE %s
                WITH q ORDER BY q.transferred_at, q.key LIMIT $limit
                MATCH (f:Did {key: q.did_key})-[r:REPLICA]->(rse:Rse) WHERE rse.id = q.dest_rse_id
                RETURN q.key AS key, rse.rse AS rse, r.path AS path
                """.formatted(partition.cypherFilter("q")), params).list(r -> new Waiting(r.get("key").asString(),
                r.get("rse").asString(), r.get("path").asString(null))));
    }
}
