package org.stevedore.catalog.did;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.error.DataIdentifierNotFound;
import org.stevedore.catalog.error.DuplicateContent;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;

/**
 * The content of collections: {@code (parent:Did)-[:CONTAINS]->(child:Did)}. Files go into datasets, datasets and
 * containers into containers, nothing into a closed collection, and no container may end up inside itself.
 * Every attach or detach queues the parent for rule re-evaluation in the same transaction.
 */
public final class AttachmentStore {

    private final Store store;
    private final Clock clock;
    private final UpdatedDidQueue updatedDids;

    public AttachmentStore(Store store, Clock clock, UpdatedDidQueue updatedDids) {
        this.store = store;
        this.clock = clock;
        this.updatedDids = updatedDids;
    }

    /** One parent and what to attach to it. */
    public record Attachment(DidRef parent, List<DidRef> children) {
    }

    /** A child as listed in a collection's content. */
    public record Content(String scope, String name, DidType type, Long bytes, String adler32, String md5) {
    }

    public void attach(DidRef parent, List<DidRef> children, boolean ignoreDuplicate) {
        attach(List.of(new Attachment(parent, children)), ignoreDuplicate);
    }

    /** Attaches to several parents at once, all or none. */
    public void attach(List<Attachment> attachments, boolean ignoreDuplicate) {
        validate(attachments);
        store.write(tx -> {
            for (Attachment a : attachments) {
                attachIn(tx, a, ignoreDuplicate);
            }
            return null;
        });
    }

    private static void validate(List<Attachment> attachments) {
        if (attachments == null || attachments.isEmpty()) {
            throw new InvalidObject("No attachments given");
        }
        for (Attachment a : attachments) {
            if (a == null || a.parent() == null) {
                throw new InvalidObject("An attachment has no parent DID");
            }
            DidRef.of(a.parent().scope(), a.parent().name());
            if (a.children() == null || a.children().isEmpty()) {
                throw new InvalidObject("Nothing to attach to '" + a.parent() + "'");
            }
            for (DidRef c : a.children()) {
                if (c == null) {
                    throw new InvalidObject("A DID to attach to '" + a.parent() + "' is null");
                }
                DidRef.of(c.scope(), c.name());
            }
        }
    }

    /** Attaches inside the caller's transaction; also used by replica registration with a dataset. */
    public void attachIn(TransactionContext tx, Attachment a, boolean ignoreDuplicate) {
        DidRef parentRef = a.parent();
        DidType parentType = requireOpenCollection(tx, parentRef);
        List<String> keys = distinctKeys(a.children(), parentRef);
        int batch = store.batchSize();
        List<Map<String, Object>> found = new ArrayList<>(keys.size());
        for (int from = 0; from < keys.size(); from += batch) {
            // The parent is bound once, before the UNWIND, and the CONTAINS check has both ends bound, so the only
            // plan is two unique-index seeks and an Expand(Into) per key. Written as one OPTIONAL MATCH on the
            // pattern, a plan made while the store was nearly empty scanned the whole Did key index for every key
            // until Neo4j replanned: ~2 s per 1,000 files at 20,000 files, growing with the store.
            found.addAll(tx.run("""
                    MATCH (p:Did {key: $parent})
                    UNWIND $keys AS k
                    OPTIONAL MATCH (c:Did {key: k})
                    RETURN k, c.did_type AS type, c IS NOT NULL AND EXISTS { (p)-[:CONTAINS]->(c) } AS attached
                    """, Map.of("keys", keys.subList(from, Math.min(keys.size(), from + batch)), "parent", parentRef.key()))
                    .list(Record::asMap));
        }
        List<String> toAttach = new ArrayList<>(found.size());
        List<String> containers = new ArrayList<>();
        for (Map<String, Object> row : found) {
            String key = (String) row.get("k");
            String type = (String) row.get("type");
            if (type == null) {
                throw new DataIdentifierNotFound("Data identifier '" + key + "' not found");
            }
            DidType childType = DidType.valueOf(type);
            if (parentType == DidType.DATASET && childType != DidType.FILE) {
                throw new UnsupportedOperation("Cannot attach " + childType.name().toLowerCase() + " '" + key
                        + "' to dataset '" + parentRef + "': datasets contain only files");
            }
            if (parentType == DidType.CONTAINER && childType == DidType.FILE) {
                throw new UnsupportedOperation("Cannot attach file '" + key + "' to container '" + parentRef
                        + "': containers contain only datasets and containers");
            }
            if ((Boolean) row.get("attached")) {
                if (!ignoreDuplicate) {
                    throw new DuplicateContent("Data identifier '" + key + "' is already attached to '" + parentRef + "'");
                }
                continue;
            }
            toAttach.add(key);
            if (childType == DidType.CONTAINER) {
                containers.add(key);
            }
        }
        if (!containers.isEmpty()) {
            List<String> cycles = tx.run("""
                    UNWIND $keys AS k
                    MATCH (c:Did {key: k}), (p:Did {key: $parent})
                    WHERE c = p OR EXISTS { (c)-[:CONTAINS*1..]->(p) }
                    RETURN k LIMIT 1
                    """, Map.of("keys", containers, "parent", parentRef.key())).list(r -> r.get("k").asString());
            if (!cycles.isEmpty()) {
                throw new UnsupportedOperation("Attaching '" + cycles.get(0) + "' to '" + parentRef
                        + "' would make a cycle: '" + parentRef + "' is already inside it");
            }
        }
        if (toAttach.isEmpty()) {
            return;
        }
        long now = clock.millis();
        for (int from = 0; from < toAttach.size(); from += batch) {
            tx.run("""
                    MATCH (p:Did {key: $parent})
                    UNWIND $keys AS k
                    MATCH (c:Did {key: k})
                    CREATE (p)-[:CONTAINS {created_at: $now}]->(c)
                    WITH p, count(c) AS n, sum(coalesce(c.bytes, 0)) AS bytes
                    SET p.length = coalesce(p.length, 0) + n, p.bytes = coalesce(p.bytes, 0) + bytes, p.updated_at = $now
                    """, Map.of("parent", parentRef.key(), "keys", toAttach.subList(from, Math.min(toAttach.size(), from + batch)),
                    "now", now)).consume();
        }
        updatedDids.push(tx, parentRef, UpdatedDidQueue.Action.ATTACH, toAttach, now);
    }

    /** The type of an open collection; refuses a missing DID, a file, and a closed collection. */
    public static DidType requireOpenCollection(TransactionContext tx, DidRef parentRef) {
        List<Record> parentRows = tx.run("MATCH (p:Did {key: $key}) RETURN p.did_type AS type, p.is_open AS open",
                Map.of("key", parentRef.key())).list();
        if (parentRows.isEmpty()) {
            throw DidStore.notFound(parentRef);
        }
        DidType parentType = DidType.valueOf(parentRows.get(0).get("type").asString());
        if (parentType == DidType.FILE) {
            throw new UnsupportedOperation("Cannot attach to '" + parentRef + "': it is a file, not a collection");
        }
        if (!Values.bool(parentRows.get(0).get("open"), false)) {
            throw new UnsupportedOperation("Data identifier '" + parentRef + "' is closed; nothing can be attached to it");
        }
        return parentType;
    }

    /**
     * Books files just created with their {@code CONTAINS} relationship to {@code dataset} (by replica registration,
     * in the same statement that created them): the dataset's counters grow and the change is queued for rules.
     */
    public void recordCreatedContent(TransactionContext tx, DidRef dataset, List<String> keys, long bytes, long now) {
        tx.run("""
                MATCH (p:Did {key: $parent})
                SET p.length = coalesce(p.length, 0) + $n, p.bytes = coalesce(p.bytes, 0) + $bytes, p.updated_at = $now
                """, Map.of("parent", dataset.key(), "n", (long) keys.size(), "bytes", bytes, "now", now)).consume();
        updatedDids.push(tx, dataset, UpdatedDidQueue.Action.ATTACH, keys, now);
    }

    /** Detaches children from a parent; a monotonic collection refuses. */
    public void detach(DidRef parent, List<DidRef> children) {
        validate(List.of(new Attachment(parent, children)));
        store.write(tx -> {
            List<Record> parentRows = tx.run("MATCH (p:Did {key: $key}) RETURN p.monotonic AS monotonic",
                    Map.of("key", parent.key())).list();
            if (parentRows.isEmpty()) {
                throw DidStore.notFound(parent);
            }
            if (Values.bool(parentRows.get(0).get("monotonic"), false)) {
                throw new UnsupportedOperation("Data identifier '" + parent + "' is monotonic; its content cannot be detached");
            }
            List<String> keys = distinctKeys(children, parent);
            List<String> missing = tx.run("""
                    UNWIND $keys AS k
                    OPTIONAL MATCH (:Did {key: $parent})-[rel:CONTAINS]->(:Did {key: k})
                    WITH k, rel WHERE rel IS NULL
                    RETURN k LIMIT 1
                    """, Map.of("keys", keys, "parent", parent.key())).list(r -> r.get("k").asString());
            if (!missing.isEmpty()) {
                throw new DataIdentifierNotFound("Data identifier '" + missing.get(0) + "' is not attached to '" + parent + "'");
            }
            detachIn(tx, parent, keys, clock.millis());
            return null;
        });
    }

    /**
     * Detaches children from a parent inside the caller's transaction, one statement per batch: the parent's counters
     * shrink and the change is queued for rules, as {@link #detach} does. Checks nothing: the caller passes keys it
     * found attached (detach above; the workload bridge, for the files its task's jobs no longer need, under the
     * task's lock), so that what is queued is what was detached.
     */
    public void detachIn(TransactionContext tx, DidRef parent, List<String> keys, long now) {
        if (keys.isEmpty()) {
            return;
        }
        int batch = store.batchSize();
        for (int from = 0; from < keys.size(); from += batch) {
            tx.run("""
                    MATCH (p:Did {key: $parent})
                    UNWIND $keys AS k
                    MATCH (p)-[rel:CONTAINS]->(c:Did {key: k})
                    DELETE rel
                    WITH p, count(c) AS n, sum(coalesce(c.bytes, 0)) AS bytes
                    SET p.length = p.length - n, p.bytes = p.bytes - bytes, p.updated_at = $now
                    """, Map.of("parent", parent.key(), "keys", keys.subList(from, Math.min(keys.size(), from + batch)),
                    "now", now)).consume();
        }
        updatedDids.push(tx, parent, UpdatedDidQueue.Action.DETACH, keys, now);
    }

    private static List<String> distinctKeys(List<DidRef> children, DidRef parent) {
        Set<String> keys = new HashSet<>();
        List<String> ordered = new ArrayList<>(children.size());
        for (DidRef c : children) {
            if (c.key().equals(parent.key())) {
                throw new UnsupportedOperation("Cannot attach '" + parent + "' to itself");
            }
            if (keys.add(c.key())) {
                ordered.add(c.key());
            }
        }
        return ordered;
    }

    // ---- listings -----------------------------------------------------------------------------------------

    /** Streams the direct content of a collection. */
    public void listContent(DidRef parent, Consumer<Content> sink) {
        requireExists(parent);
        store.stream("""
                MATCH (:Did {key: $key})-[:CONTAINS]->(c:Did)
                RETURN c.scope AS scope, c.name AS name, c.did_type AS type, c.bytes AS bytes, c.adler32 AS adler32, c.md5 AS md5
                ORDER BY c.key
                """, Map.of("key", parent.key()), r -> sink.accept(new Content(r.get("scope").asString(),
                r.get("name").asString(), DidType.valueOf(r.get("type").asString()), Values.lng(r.get("bytes")),
                Values.str(r.get("adler32")), Values.str(r.get("md5")))));
    }

    /** Streams every file under a DID (the file itself for a file), each once, however deep. */
    public void listFiles(DidRef did, Consumer<Did> sink) {
        requireExists(did);
        store.stream("""
                MATCH (:Did {key: $key})-[:CONTAINS*0..]->(d:Did {did_type: 'FILE'})
                WITH DISTINCT d
                RETURN %s
                """.formatted(DidStore.DID_COLUMNS), Map.of("key", did.key()), r -> sink.accept(DidStore.did(r)));
    }

    /** The direct parents of a DID. */
    public List<Content> parents(DidRef did) {
        requireExists(did);
        return store.read(tx -> tx.run("""
                MATCH (p:Did)-[:CONTAINS]->(:Did {key: $key})
                RETURN p.scope AS scope, p.name AS name, p.did_type AS type, p.bytes AS bytes
                ORDER BY p.key
                """, Map.of("key", did.key())).list(r -> new Content(r.get("scope").asString(), r.get("name").asString(),
                DidType.valueOf(r.get("type").asString()), Values.lng(r.get("bytes")), null, null)));
    }


    private void requireExists(DidRef did) {
        DidRef.of(did.scope(), did.name());
        boolean exists = store.read(tx -> tx.run("MATCH (d:Did {key: $key}) RETURN count(d) > 0 AS e",
                Map.of("key", did.key())).single().get("e").asBoolean());
        if (!exists) {
            throw DidStore.notFound(did);
        }
    }
}
