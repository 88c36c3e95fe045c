package org.stevedore.catalog.did;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/**
 * The reads a person browsing the namespace needs, as the web UI shows them: a page of a scope's DIDs by Rucio
 * wildcard, type and metadata (each page read on its own, never a whole scope), a page of a collection's content,
 * and where the files under a DID have replicas, counted per RSE and state.
 */
public final class DidBrowsing {

    /** How many DIDs of the name pattern one page may look at for its metadata filters before it stops. */
    static final int SCAN_PER_PAGE = 10_000;

    /** A page of DIDs, and whether more follow ({@code scanLimited}: the metadata scan stopped at its bound). */
    public record Page(List<Did> dids, boolean more, boolean scanLimited) {
    }

    /** A page of a collection's content. */
    public record ContentPage(List<AttachmentStore.Content> content, boolean more) {
    }

    /** The replicas of a DID's files on one RSE in one state. */
    public record ReplicasAt(String rse, String rseType, String state, long files, long bytes) {
    }

    private final Store store;

    public DidBrowsing(Store store) {
        this.store = store;
    }

    /**
     * DIDs of a scope whose names match {@code pattern} (Rucio's {@code *} wildcards), of a type (null for all), whose
     * free metadata has every {@code key = value} of {@code meta} (values compared as text), page {@code offset /
     * size} by name. Metadata filters are applied as the DIDs are read, in name order; a page looks at most
     * {@value #SCAN_PER_PAGE} names past its offset for them.
     */
    public Page search(String scope, String pattern, DidType type, Map<String, String> meta, int offset, int size) {
        Map<String, Object> params = DidStore.patternParams(scope, pattern);
        params.put("type", type == null ? null : type.name());
        boolean filtered = meta != null && !meta.isEmpty();
        List<Did> page = new ArrayList<>(size + 1);
        int[] matched = {0};
        int[] scanned = {0};
        if (!filtered) {
            params.put("skip", Math.max(0, offset));
            params.put("limit", size + 1);
            store.stream("""
                    MATCH (d:Did) WHERE d.key STARTS WITH $prefix AND d.key =~ $regex
                      AND ($type IS NULL OR d.did_type = $type)
                    RETURN %s ORDER BY d.key SKIP $skip LIMIT $limit
                    """.formatted(DidStore.DID_COLUMNS), params, r -> page.add(DidStore.did(r)));
        } else {
            params.put("limit", (long) Math.max(0, offset) + size + 1 + SCAN_PER_PAGE);
            store.stream("""
                    MATCH (d:Did) WHERE d.key STARTS WITH $prefix AND d.key =~ $regex
                      AND ($type IS NULL OR d.did_type = $type) AND d.meta IS NOT NULL
                    RETURN %s, d.meta AS meta ORDER BY d.key LIMIT $limit
                    """.formatted(DidStore.DID_COLUMNS), params, r -> {
                scanned[0]++;
                if (page.size() > size || !matches(DidStore.fromJson(Values.str(r.get("meta"))), meta)) {
                    return;
                }
                if (matched[0]++ >= offset) {
                    page.add(DidStore.did(r));
                }
            });
        }
        boolean more = page.size() > size;
        boolean limited = filtered && !more && scanned[0] >= (long) Math.max(0, offset) + size + 1 + SCAN_PER_PAGE;
        return new Page(more ? page.subList(0, size) : page, more, limited);
    }

    private static boolean matches(Map<String, Object> have, Map<String, String> wanted) {
        for (Map.Entry<String, String> w : wanted.entrySet()) {
            Object v = have.get(w.getKey());
            if (v == null || !String.valueOf(v).equals(w.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Page {@code offset / size} of a collection's direct content, by name. */
    public ContentPage content(DidRef parent, int offset, int size) {
        List<AttachmentStore.Content> out = new ArrayList<>(size + 1);
        store.stream("""
                MATCH (:Did {key: $key})-[:CONTAINS]->(c:Did)
                RETURN c.scope AS scope, c.name AS name, c.did_type AS type, c.bytes AS bytes, c.adler32 AS adler32,
                       c.md5 AS md5
                ORDER BY c.key SKIP $skip LIMIT $limit
                """, Map.of("key", parent.key(), "skip", Math.max(0, offset), "limit", size + 1),
                r -> out.add(new AttachmentStore.Content(r.get("scope").asString(), r.get("name").asString(),
                        DidType.valueOf(r.get("type").asString()), Values.lng(r.get("bytes")),
                        Values.str(r.get("adler32")), Values.str(r.get("md5")))));
        boolean more = out.size() > size;
        return new ContentPage(more ? out.subList(0, size) : out, more);
    }

    /** Where the files under a DID (the file itself for a file) have replicas: files and bytes per RSE and state. */
    public List<ReplicasAt> replicasByRse(DidRef did) {
        return store.read(tx -> tx.run("""
                MATCH (:Did {key: $key})-[:CONTAINS*0..]->(f:Did {did_type: 'FILE'})
                WITH DISTINCT f
                MATCH (f)-[r:REPLICA]->(rse:Rse)
                RETURN rse.rse AS rse, rse.rse_type AS rse_type, r.state AS state, count(*) AS files,
                       sum(coalesce(r.bytes, f.bytes, 0)) AS bytes
                ORDER BY rse, state
                """, Map.of("key", did.key())).list(r -> new ReplicasAt(r.get("rse").asString(),
                Values.str(r.get("rse_type")), r.get("state").asString(), r.get("files").asLong(),
                r.get("bytes").asLong())));
    }
}
