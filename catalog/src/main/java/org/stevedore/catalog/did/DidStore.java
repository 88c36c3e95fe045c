package org.stevedore.catalog.did;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.stevedore.catalog.error.DataIdentifierAlreadyExists;
import org.stevedore.catalog.error.DataIdentifierNotFound;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.error.ScopeNotFound;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.naming.Names;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;
import org.stevedore.catalog.time.Lifetimes;
import org.stevedore.catalog.time.PythonTimes;

/**
 * DIDs and their metadata. Bulk registration validates everything before writing and writes in one transaction,
 * a batch of rows per round trip, so a request either registers all its DIDs or none.
 */
public final class DidStore {

    /** Outbox type of a dataset created (Rucio's message of the same name). */
    public static final String CREATE_DTS = "CREATE_DTS";
    /** Outbox type of a container created. */
    public static final String CREATE_CNT = "CREATE_CNT";

    /** The metadata key that sets a DID's lifetime, as in Rucio. */
    public static final String LIFETIME = "lifetime";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_NAMES_IN_MESSAGE = 5;

    static final String DID_COLUMNS = """
            d.scope AS scope, d.name AS name, d.did_type AS did_type, d.account AS account, d.bytes AS bytes,
            d.length AS length, d.adler32 AS adler32, d.md5 AS md5, d.guid AS guid, d.events AS events,
            d.is_open AS is_open, d.monotonic AS monotonic, d.expired_at AS expired_at,
            d.created_at AS created_at, d.updated_at AS updated_at, d.closed_at AS closed_at""";

    private final Store store;
    private final Clock clock;

    public DidStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    // ---- registration -------------------------------------------------------------------------------------

    /** Registers DIDs, all or none: an invalid name, an unknown scope or an existing DID refuses the whole list. */
    public void add(List<NewDid> dids) {
        List<Map<String, Object>> rows = rows(dids);
        store.write(tx -> {
            create(tx, rows);
            return null;
        });
    }

    /**
     * Registers a collection and attaches its first content in one transaction, both or neither: a child that does
     * not exist leaves no empty collection behind.
     */
    public void addWithContent(NewDid collection, List<DidRef> children, AttachmentStore attachments) {
        List<Map<String, Object>> rows = rows(List.of(collection));
        store.write(tx -> {
            create(tx, rows);
            attachments.attachIn(tx, new AttachmentStore.Attachment(collection.ref(), children), false);
            return null;
        });
    }

    /**
     * Validates and converts to store rows; refuses duplicates inside the request itself. Public for the catalog's
     * other stores (replica registration creates the files it is given).
     */
    public List<Map<String, Object>> rows(List<NewDid> dids) {
        if (dids == null || dids.isEmpty()) {
            throw new InvalidObject("No DIDs given");
        }
        long now = clock.millis();
        List<Map<String, Object>> rows = new ArrayList<>(dids.size());
        Set<String> seen = new HashSet<>(dids.size() * 2);
        for (int i = 0; i < dids.size(); i++) {
            NewDid did = dids.get(i);
            if (did == null) {
                throw new InvalidObject("DID number " + (i + 1) + " of the request is null");
            }
            Names.did(did.scope(), did.name());
            if (did.type() == null) {
                throw new InvalidObject("DID " + did.ref() + " has no type (expected FILE, DATASET or CONTAINER)");
            }
            String key = did.ref().key();
            if (!seen.add(key)) {
                throw new DataIdentifierAlreadyExists("Data identifier '" + key + "' appears twice in the request");
            }
            rows.add(row(did, key, now));
        }
        return rows;
    }

    private static Map<String, Object> row(NewDid did, String key, long now) {
        Map<String, Object> row = new HashMap<>(24);
        row.put("key", key);
        row.put("scope", did.scope());
        row.put("name", did.name());
        row.put("did_type", did.type().name());
        row.put("account", did.account());
        row.put("created_at", now);
        if (did.type() == DidType.FILE) {
            if (did.bytes() != null && did.bytes() < 0) {
                throw new InvalidObject("File " + key + " has a negative size: " + did.bytes());
            }
            row.put("bytes", did.bytes());
            row.put("adler32", Checksums.adler32(did.adler32(), key));
            row.put("md5", Checksums.md5(did.md5(), key));
            row.put("guid", did.guid());
            row.put("events", did.events());
        } else {
            row.put("bytes", 0L);
            row.put("length", 0L);
            row.put("is_open", true);
            row.put("monotonic", did.monotonic());
        }
        if (did.lifetime() != null) {
            if (did.lifetime().isNegative()) {
                throw new InvalidObject("DID " + key + " has a negative lifetime");
            }
            if (did.lifetime().compareTo(Lifetimes.MAX) > 0) {
                throw new InvalidObject("DID " + key + ": 'lifetime' must be at most " + Lifetimes.MAX_SECONDS
                        + " seconds (100 years), not " + did.lifetime().toSeconds());
            }
            row.put("expired_at", now + did.lifetime().toMillis());
        }
        if (did.meta() != null && !did.meta().isEmpty()) {
            did.meta().keySet().forEach(k -> Names.key("metadata key", k));
            row.put("meta", toJson(did.meta()));
        }
        return row;
    }

    /** Writes validated rows inside the caller's transaction, refusing DIDs that already exist. */
    public void create(TransactionContext tx, List<Map<String, Object>> rows) {
        requireScopes(tx, rows);
        int batch = store.batchSize();
        List<String> existing = new ArrayList<>();
        for (int from = 0; from < rows.size() && existing.size() < MAX_NAMES_IN_MESSAGE; from += batch) {
            List<String> keys = rows.subList(from, Math.min(rows.size(), from + batch)).stream()
                    .map(r -> (String) r.get("key")).toList();
            existing.addAll(tx.run("UNWIND $keys AS k MATCH (d:Did {key: k}) RETURN k LIMIT 5",
                    Map.of("keys", keys)).list(r -> r.get("k").asString()));
        }
        if (!existing.isEmpty()) {
            throw new DataIdentifierAlreadyExists("Data identifier already exists: " + String.join(", ",
                    existing.subList(0, Math.min(existing.size(), MAX_NAMES_IN_MESSAGE))));
        }
        for (int from = 0; from < rows.size(); from += batch) {
            tx.run("""
                    UNWIND $rows AS row
                    CREATE (d:Did) SET d = row, d.updated_at = row.created_at
                    """, Map.of("rows", rows.subList(from, Math.min(rows.size(), from + batch)))).consume();
        }
        announceCollections(tx, rows);
    }

    /**
     * Rucio's {@code CREATE_DTS} and {@code CREATE_CNT}: one outbox event per dataset or container created, with
     * Rucio's payload ({@code account}, {@code scope}, {@code name}, {@code expired_at} as Python prints a datetime),
     * committed with the collection. Files have none, as in Rucio.
     */
    private static void announceCollections(TransactionContext tx, List<Map<String, Object>> rows) {
        List<Map<String, Object>> datasets = new ArrayList<>();
        List<Map<String, Object>> containers = new ArrayList<>();
        long now = 0;
        for (Map<String, Object> row : rows) {
            String type = (String) row.get("did_type");
            if (DidType.FILE.name().equals(type)) {
                continue;
            }
            now = (Long) row.get("created_at");
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("account", row.get("account"));
            payload.put("scope", row.get("scope"));
            payload.put("name", row.get("name"));
            Object expiry = row.get("expired_at");
            payload.put("expired_at", expiry == null ? null : PythonTimes.str(Instant.ofEpochMilli((Long) expiry)));
            (DidType.CONTAINER.name().equals(type) ? containers : datasets).add(payload);
        }
        Events.emitEach(tx, CREATE_DTS, datasets, now);
        Events.emitEach(tx, CREATE_CNT, containers, now);
    }

    /** Checks, inside the caller's transaction, that the scope of every row exists. */
    public static void requireScopes(TransactionContext tx, List<Map<String, Object>> rows) {
        Set<String> scopes = new HashSet<>();
        rows.forEach(r -> scopes.add((String) r.get("scope")));
        List<String> missing = tx.run("""
                UNWIND $scopes AS s
                OPTIONAL MATCH (sc:Scope {scope: s})
                WITH s, sc WHERE sc IS NULL
                RETURN s ORDER BY s
                """, Map.of("scopes", List.copyOf(scopes))).list(r -> r.get("s").asString());
        if (!missing.isEmpty()) {
            throw new ScopeNotFound("Scope '" + missing.get(0) + "' does not exist");
        }
    }

    // ---- reads --------------------------------------------------------------------------------------------

    public Did get(String scope, String name) {
        DidRef ref = DidRef.of(scope, name);
        List<Did> found = store.read(tx -> tx.run("MATCH (d:Did {key: $key}) RETURN " + DID_COLUMNS,
                Map.of("key", ref.key())).list(DidStore::did));
        if (found.isEmpty()) {
            throw notFound(ref);
        }
        return found.get(0);
    }

    public boolean exists(String scope, String name) {
        DidRef ref = DidRef.of(scope, name);
        return store.read(tx -> tx.run("MATCH (d:Did {key: $key}) RETURN count(d) AS n", Map.of("key", ref.key()))
                .single().get("n").asLong() > 0);
    }

    static DataIdentifierNotFound notFound(DidRef ref) {
        return new DataIdentifierNotFound("Data identifier '" + ref.key() + "' not found");
    }

    static Did did(Record r) {
        return new Did(
                r.get("scope").asString(),
                r.get("name").asString(),
                DidType.valueOf(r.get("did_type").asString()),
                Values.str(r.get("account")),
                Values.lng(r.get("bytes")),
                Values.lng(r.get("length")),
                Values.str(r.get("adler32")),
                Values.str(r.get("md5")),
                Values.str(r.get("guid")),
                Values.lng(r.get("events")),
                Values.bool(r.get("is_open"), false),
                Values.bool(r.get("monotonic"), false),
                Times.instant(r.get("expired_at")),
                Times.instant(r.get("created_at")),
                Times.instant(r.get("updated_at")),
                Times.instant(r.get("closed_at")));
    }

    /**
     * Streams the DIDs of a scope whose names match a Rucio wildcard pattern ({@code *} for any run of characters),
     * optionally of one type. The literal prefix before the first wildcard becomes an index prefix scan.
     */
    public void search(String scope, String pattern, DidType type, long limit, Consumer<Did> sink) {
        Map<String, Object> params = patternParams(scope, pattern);
        params.put("type", type == null ? null : type.name());
        params.put("limit", limit <= 0 ? Long.MAX_VALUE : limit);
        store.stream("""
                MATCH (d:Did) WHERE d.key STARTS WITH $prefix AND d.key =~ $regex
                  AND ($type IS NULL OR d.did_type = $type)
                RETURN %s ORDER BY d.key LIMIT $limit
                """.formatted(DID_COLUMNS), params, r -> sink.accept(did(r)));
    }

    /**
     * The parameters {@code $prefix} and {@code $regex} of a Rucio wildcard search of a scope ({@code *} for any run of
     * characters): the literal prefix before the first wildcard is an index prefix scan, the regex the exact match.
     */
    static Map<String, Object> patternParams(String scope, String pattern) {
        Names.scope(scope);
        String p = pattern == null || pattern.isEmpty() ? "*" : pattern;
        int star = p.indexOf('*');
        String prefix = scope + ":" + (star < 0 ? p : p.substring(0, star));
        String regex = java.util.regex.Pattern.quote(scope + ":")
                + java.util.Arrays.stream(p.split("\\*", -1)).map(s -> s.isEmpty() ? "" : java.util.regex.Pattern.quote(s))
                .reduce((a, b) -> a + ".*" + b).orElse("");
        Map<String, Object> params = new HashMap<>();
        params.put("prefix", prefix);
        params.put("regex", regex);
        return params;
    }

    // ---- status, expiry, metadata --------------------------------------------------------------------------

    /** Opens or closes a collection. Closing freezes its content; files have no status to set. */
    public void setOpen(String scope, String name, boolean open) {
        DidRef ref = DidRef.of(scope, name);
        store.write(tx -> {
            Did did = require(tx, ref);
            if (!did.type().isCollection()) {
                throw new UnsupportedOperation("Data identifier '" + ref + "' is a file; only collections are opened or closed");
            }
            tx.run("""
                    MATCH (d:Did {key: $key})
                    SET d.is_open = $open, d.updated_at = $now, d.closed_at = CASE WHEN $open THEN null ELSE $now END
                    """, Map.of("key", ref.key(), "open", open, "now", clock.millis())).consume();
            return null;
        });
    }

    /** Sets (or with {@code null} removes) the expiry of a DID. */
    public void setExpiry(String scope, String name, Instant expiredAt) {
        DidRef ref = DidRef.of(scope, name);
        Map<String, Object> params = new HashMap<>();
        params.put("key", ref.key());
        params.put("at", Times.millis(expiredAt));
        params.put("now", clock.millis());
        long n = store.write(tx -> tx.run("MATCH (d:Did {key: $key}) SET d.expired_at = $at, d.updated_at = $now RETURN count(d) AS n",
                params).single().get("n").asLong());
        if (n == 0) {
            throw notFound(ref);
        }
    }

    /** The free key/value metadata of a DID. */
    public Map<String, Object> meta(String scope, String name) {
        DidRef ref = DidRef.of(scope, name);
        return store.read(tx -> readMeta(tx, ref));
    }

    /**
     * Merges metadata into a DID's; a {@code null} value removes the key. The key {@value #LIFETIME} is Rucio's: not
     * stored as metadata but setting the DID's expiry to now plus that many seconds ({@code rucio erase} sends 86400;
     * {@code null} removes the expiry), bounded as every lifetime is ({@link Lifetimes}); the undertaker removes the
     * DID when it ends. All checked before anything is written.
     */
    public void setMeta(String scope, String name, Map<String, Object> values) {
        DidRef ref = DidRef.of(scope, name);
        if (values == null || values.isEmpty()) {
            throw new InvalidObject("No metadata given for '" + ref + "'");
        }
        values.keySet().forEach(k -> Names.key("metadata key", k));
        boolean lifetime = values.containsKey(LIFETIME);
        long now = clock.millis();
        Long expiredAt = !lifetime || values.get(LIFETIME) == null ? null
                : now + Lifetimes.seconds(LIFETIME, values.get(LIFETIME)) * 1000;
        store.write(tx -> {
            Map<String, Object> meta = readMeta(tx, ref);
            values.forEach((k, v) -> {
                if (k.equals(LIFETIME)) {
                    return;
                }
                if (v == null) {
                    meta.remove(k);
                } else {
                    meta.put(k, v);
                }
            });
            writeMeta(tx, ref, meta);
            if (lifetime) {
                Map<String, Object> params = new HashMap<>();
                params.put("key", ref.key());
                params.put("at", expiredAt);
                tx.run("MATCH (d:Did {key: $key}) SET d.expired_at = $at, d.awaiting_reaper = null",
                        params).consume();
            }
            return null;
        });
    }

    /** Removes one metadata key, refusing a key that is not set; read and write in one transaction. */
    public void deleteMeta(String scope, String name, String key) {
        DidRef ref = DidRef.of(scope, name);
        store.write(tx -> {
            Map<String, Object> meta = readMeta(tx, ref);
            if (!meta.containsKey(key)) {
                throw new KeyNotFound("Metadata key '" + key + "' is not set on '" + ref + "'");
            }
            meta.remove(key);
            writeMeta(tx, ref, meta);
            return null;
        });
    }

    private static Map<String, Object> readMeta(TransactionContext tx, DidRef ref) {
        List<Value> found = tx.run("MATCH (d:Did {key: $key}) RETURN d.meta AS meta", Map.of("key", ref.key()))
                .list(r -> r.get("meta"));
        if (found.isEmpty()) {
            throw notFound(ref);
        }
        return fromJson(Values.str(found.get(0)));
    }

    private void writeMeta(TransactionContext tx, DidRef ref, Map<String, Object> meta) {
        tx.run("MATCH (d:Did {key: $key}) SET d.meta = $meta, d.updated_at = $now",
                Map.of("key", ref.key(), "meta", toJson(meta), "now", clock.millis())).consume();
    }

    Did require(TransactionContext tx, DidRef ref) {
        List<Did> found = tx.run("MATCH (d:Did {key: $key}) RETURN " + DID_COLUMNS, Map.of("key", ref.key()))
                .list(DidStore::did);
        if (found.isEmpty()) {
            throw notFound(ref);
        }
        return found.get(0);
    }

    static String toJson(Map<String, Object> meta) {
        try {
            return JSON.writeValueAsString(meta);
        } catch (JsonProcessingException e) {
            throw new InvalidObject("Metadata cannot be stored as JSON: " + e.getOriginalMessage());
        }
    }

    static Map<String, Object> fromJson(String json) {
        if (json == null || json.isEmpty()) {
            return new LinkedHashMap<>();
        }
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored metadata is not JSON", e);
        }
    }
}
