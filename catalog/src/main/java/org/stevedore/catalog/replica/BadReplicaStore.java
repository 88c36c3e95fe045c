package org.stevedore.catalog.replica;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.ReplicaNotFound;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.catalog.rse.RseProtocolStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;

/**
 * Declarations about replicas, Rucio's {@code bad_replicas}: {@code (:BadReplica {key, rse_id, state, reason, ...})}
 * nodes, one per declaration, kept as history. A BAD declaration marks the replica BAD at once (no reader is handed it
 * any more) and waits, in state BAD, for the recovery worker, which resolves it (RECOVERED, LOST or DELETED). A
 * SUSPICIOUS one changes nothing until the replica has been declared suspicious {@code threshold} times within the
 * window: then it is declared BAD. A TEMPORARY_UNAVAILABLE one takes the replica out of reach until its
 * {@code expires_at}; the recovery worker gives it back afterwards.
 *
 * <p>A declaration names replicas by PFN (resolved to an RSE and a stored path through {@link PfnPaths}, against every
 * RSE's protocols) or by file and RSE. Input that is wrong (a malformed PFN, one under no RSE, an unknown RSE, a mix
 * of both forms) refuses the whole request before anything is written; a well-formed name of a replica that does not
 * exist is answered back, per RSE, as Rucio does, and the rest are declared in the same transaction.
 */
public final class BadReplicaStore {

    /** The recovery worker's executable partitions declarations by this key. */
    public static String bucketKey(String fileKey, String rseId) {
        return fileKey + "|" + rseId;
    }

    /** A replica a declaration names: by {@code pfn}, or by {@code scope}, {@code name} and {@code rse}. */
    public record Item(String pfn, String scope, String name, String rse) {
        public static Item pfn(String pfn) {
            return new Item(pfn, null, null, null);
        }

        public static Item of(String scope, String name, String rse) {
            return new Item(null, scope, name, rse);
        }
    }

    /**
     * @param suspiciousThreshold declarations as SUSPICIOUS within {@code suspiciousWindow} that make a replica BAD
     */
    public record Settings(int suspiciousThreshold, Duration suspiciousWindow) {
        public Settings {
            if (suspiciousThreshold < 1) {
                throw new IllegalArgumentException("suspicious threshold must be at least 1, got " + suspiciousThreshold);
            }
        }

        public static Settings defaults() {
            return new Settings(3, Duration.ofDays(3));
        }
    }

    /** Replicas taken out of reach by declarations: {@code {"files": [...], "rse_ids": [...], "state": ...}}. */
    public static final String REPLICA_UNAVAILABLE = "REPLICA_UNAVAILABLE";

    private final Store store;
    private final Clock clock;
    private final Settings settings;

    public BadReplicaStore(Store store, Clock clock, Settings settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
    }

    /** A named replica found (or not) in the catalog: the row of one item. */
    private record Found(String label, String rseId, String rse, String key, String path, String state) {
    }

    /**
     * Declares the replicas {@code state} (BAD, SUSPICIOUS or TEMPORARY_UNAVAILABLE; the last with {@code expiresAt}),
     * in one transaction. Answers the replicas not declared, by RSE name, each as Rucio words it ({@code "<pfn or
     * scope:name> Unknown replica"}, {@code "... Already declared"}); empty when all were.
     *
     * @param force declare BAD again a replica whose BAD declaration is still waiting for the recovery
     */
    public Map<String, List<String>> declare(List<Item> items, BadState state, String reason, String account,
                                             Instant expiresAt, boolean force) {
        if (items == null || items.isEmpty()) {
            throw new InvalidObject("No replicas given");
        }
        if (state != BadState.BAD && state != BadState.SUSPICIOUS && state != BadState.TEMPORARY_UNAVAILABLE) {
            throw new InvalidObject("Replicas are declared BAD, SUSPICIOUS or TEMPORARY_UNAVAILABLE, not " + state);
        }
        long now = clock.millis();
        if (state == BadState.TEMPORARY_UNAVAILABLE && (expiresAt == null || expiresAt.toEpochMilli() <= now)) {
            throw new InvalidObject("A TEMPORARY_UNAVAILABLE declaration needs an expires_at in the future");
        }
        boolean byPfn = items.get(0) != null && items.get(0).pfn() != null;
        for (Item item : items) {
            if (item == null || (item.pfn() != null) != byPfn) {
                throw new InvalidObject("Replicas must be given either all as PFNs or all as {scope, name, rse}");
            }
        }
        return store.write(tx -> {
            List<Found> found = byPfn ? byPfn(tx, items) : byName(tx, items);
            Map<String, List<String>> notDeclared = new LinkedHashMap<>();
            List<Map<String, Object>> rows = new ArrayList<>();
            Map<String, Found> seen = new HashMap<>();
            for (Found f : found) {
                String problem = f.key() == null ? "Unknown replica" : problem(tx, f, state, force);
                if (problem == null && seen.putIfAbsent(f.key() + "|" + f.rseId(), f) != null) {
                    continue;
                }
                if (problem != null) {
                    notDeclared.computeIfAbsent(f.rse(), k -> new ArrayList<>()).add(f.label() + " " + problem);
                    continue;
                }
                DidRef did = DidRef.fromKey(f.key());
                Map<String, Object> row = new HashMap<>();
                row.put("id", UUID.randomUUID().toString());
                row.put("key", f.key());
                row.put("scope", did.scope());
                row.put("name", did.name());
                row.put("rse_id", f.rseId());
                row.put("rse", f.rse());
                row.put("path", f.path());
                row.put("bucket", Partition.bucket(bucketKey(f.key(), f.rseId())));
                rows.add(row);
            }
            write(tx, rows, state, reason, account, expiresAt, now);
            return notDeclared;
        });
    }

    /** Why a found replica is not declared, or null. */
    private static String problem(TransactionContext tx, Found f, BadState state, boolean force) {
        if (state == BadState.BAD && !force && open(tx, f.key(), f.rseId())) {
            return "Already declared";
        }
        if (state == BadState.TEMPORARY_UNAVAILABLE
                && !f.state().equals("AVAILABLE") && !f.state().equals("TEMPORARY_UNAVAILABLE")) {
            return "Replica is " + f.state() + ", not AVAILABLE";
        }
        return null;
    }

    private static boolean open(TransactionContext tx, String key, String rseId) {
        return tx.run("MATCH (b:BadReplica {key: $key, rse_id: $rse}) WHERE b.state = 'BAD' RETURN count(b) > 0 AS open",
                Map.of("key", key, "rse", rseId)).single().get("open").asBoolean();
    }

    private void write(TransactionContext tx, List<Map<String, Object>> rows, BadState state, String reason,
                       String account, Instant expiresAt, long now) {
        if (rows.isEmpty()) {
            return;
        }
        Map<String, Object> params = new HashMap<>();
        params.put("rows", rows);
        params.put("state", state.name());
        params.put("reason", reason);
        params.put("account", account);
        params.put("expires", expiresAt == null ? null : expiresAt.toEpochMilli());
        params.put("now", now);
        tx.run("""
                UNWIND $rows AS row
                CREATE (:BadReplica {id: row.id, key: row.key, scope: row.scope, name: row.name, rse_id: row.rse_id,
                                     rse: row.rse, path: row.path, state: $state, reason: $reason, account: $account,
                                     expires_at: $expires, created_at: $now, updated_at: $now, hash_bucket: row.bucket})
                """, params).consume();
        List<Map<String, Object>> unavailable = rows;
        if (state == BadState.SUSPICIOUS) {
            unavailable = promoteSuspicious(tx, rows, account, now);
        } else {
            tx.run(MARK, params).consume();
        }
        if (!unavailable.isEmpty()) {
            // The workload bridge hears of it: a released job may be reading a replica that is gone.
            Events.emit(tx, REPLICA_UNAVAILABLE, Map.of(
                    "files", unavailable.stream().map(r -> r.get("key")).toList(),
                    "rse_ids", unavailable.stream().map(r -> r.get("rse_id")).toList(),
                    "state", state == BadState.SUSPICIOUS ? BadState.BAD.name() : state.name()), now);
        }
    }

    /** Replicas declared SUSPICIOUS often enough within the window become BAD; answers their rows. */
    private List<Map<String, Object>> promoteSuspicious(TransactionContext tx, List<Map<String, Object>> rows,
                                                        String account, long now) {
        Map<String, Object> params = new HashMap<>();
        params.put("rows", rows);
        params.put("since", now - settings.suspiciousWindow().toMillis());
        params.put("threshold", settings.suspiciousThreshold());
        params.put("account", account);
        params.put("now", now);
        return tx.run("""
                UNWIND $rows AS row
                MATCH (b:BadReplica {key: row.key, rse_id: row.rse_id})
                WHERE b.state = 'SUSPICIOUS' AND b.created_at >= $since
                WITH row, count(b) AS n WHERE n >= $threshold
                MATCH (f:Did {key: row.key})-[r:REPLICA]->(:Rse {id: row.rse_id})
                WHERE r.state <> 'BAD'
                  AND NOT EXISTS { MATCH (o:BadReplica {key: row.key, rse_id: row.rse_id}) WHERE o.state = 'BAD' }
                SET r.state = 'BAD', r.updated_at = $now
                CREATE (:BadReplica {id: randomUUID(), key: row.key, scope: row.scope, name: row.name,
                                     rse_id: row.rse_id, rse: row.rse, path: row.path, state: 'BAD',
                                     reason: 'Declared suspicious ' + n + ' times', account: $account,
                                     created_at: $now, updated_at: $now, hash_bucket: row.bucket})
                RETURN row
                """, params).list(r -> r.get("row").asMap());
    }

    /** Each PFN's RSE (the longest protocol prefix among all RSEs) and replica there. */
    private static List<Found> byPfn(TransactionContext tx, List<Item> items) {
        Map<String, String[]> rses = new LinkedHashMap<>();
        Map<String, List<RseProtocol>> protocols = new LinkedHashMap<>();
        tx.run("""
                MATCH (r:Rse) WHERE coalesce(r.deleted, false) = false
                OPTIONAL MATCH (r)-[:HAS_PROTOCOL]->(p:Protocol)
                RETURN r.id AS id, r.rse AS rse, collect(properties(p)) AS protocols ORDER BY r.rse
                """).list().forEach(r -> {
            rses.put(r.get("id").asString(), new String[] {r.get("rse").asString()});
            protocols.put(r.get("id").asString(), r.get("protocols").asList(v -> RseProtocolStore.fromProperties(v.asMap())));
        });
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Found> located = new ArrayList<>();
        for (Item item : items) {
            String bestRse = null;
            String bestPath = null;
            for (Map.Entry<String, List<RseProtocol>> e : protocols.entrySet()) {
                String path = PfnPaths.under(item.pfn(), null, e.getValue());
                if (path != null && (bestPath == null || path.length() < bestPath.length())) {
                    bestRse = e.getKey();
                    bestPath = path;
                }
            }
            if (bestRse == null) {
                throw new ReplicaNotFound("PFN '" + item.pfn() + "' is under no protocol of any RSE");
            }
            rows.add(Map.of("i", located.size(), "rse_id", bestRse, "path", bestPath));
            located.add(new Found(item.pfn(), bestRse, rses.get(bestRse)[0], null, bestPath, null));
        }
        List<Found> out = new ArrayList<>(located);
        for (Record r : tx.run("""
                UNWIND $rows AS row
                MATCH (f:Did)-[rep:REPLICA {rse_id: row.rse_id, path: row.path}]->()
                RETURN row.i AS i, f.key AS key, rep.state AS state
                """, Map.of("rows", rows)).list()) {
            Found f = located.get(r.get("i").asInt());
            out.set(r.get("i").asInt(), new Found(f.label(), f.rseId(), f.rse(), r.get("key").asString(), f.path(),
                    r.get("state").asString("AVAILABLE")));
        }
        return out;
    }

    /** Each named file's replica on its named RSE; an unknown RSE refuses the request. */
    /**
     * Each named replica, anchored on its file. The file is matched on its own first, so that the replica is a hop
     * between two bound nodes (expanded from the side with fewer relationships, the file): matched in one pattern
     * with the RSE bound, the planner expanded from the RSE, reading every replica of the RSE for each row, which
     * made a consistency check of a million files, declaring its thousand missing, quadratic (hours, not seconds).
     */
    static final String BY_NAME = """
            UNWIND $rows AS row
            OPTIONAL MATCH (rse:Rse {rse: row.rse})
            OPTIONAL MATCH (f:Did {key: row.key})
            OPTIONAL MATCH (f)-[rep:REPLICA]->(rse)
            RETURN row.i AS i, row.key AS label, row.rse AS rse_name, rse.id AS rse_id, f.key AS key,
                   rep.path AS path, rep.state AS state
            ORDER BY i
            """;

    /**
     * Sets the declared replicas' state. Both ends are seeks of unique indexes here, so the planner expands between
     * them from the file (a test keeps it so: walking the RSE's replicas instead would be quadratic, as in
     * {@link #BY_NAME}).
     */
    static final String MARK = """
            UNWIND $rows AS row
            MATCH (f:Did {key: row.key})-[r:REPLICA]->(:Rse {id: row.rse_id})
            SET r.state = $state, r.updated_at = $now,
                r.unavailable_until = CASE WHEN $state = 'TEMPORARY_UNAVAILABLE' THEN $expires ELSE null END
            """;

    private static List<Found> byName(TransactionContext tx, List<Item> items) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Item item : items) {
            if (item.rse() == null || item.rse().isBlank()) {
                throw new InvalidObject("Replica " + item.scope() + ":" + item.name() + " names no RSE");
            }
            rows.add(Map.of("i", rows.size(), "key", DidRef.of(item.scope(), item.name()).key(), "rse", item.rse()));
        }
        List<Found> out = new ArrayList<>();
        for (Record r : tx.run(BY_NAME, Map.of("rows", rows)).list()) {
            if (r.get("rse_id").isNull()) {
                throw new RSENotFound("RSE '" + r.get("rse_name").asString() + "' not found");
            }
            boolean present = !r.get("state").isNull();
            out.add(new Found(r.get("label").asString(), r.get("rse_id").asString(), r.get("rse_name").asString(),
                    present ? r.get("key").asString() : null, Values.str(r.get("path")),
                    present ? r.get("state").asString() : null));
        }
        return out;
    }

    /**
     * Declarations, newest first, up to {@code limit}: of one state and RSE (by name) when given, created after
     * {@code youngerThan} and before {@code olderThan} when given. Rucio's {@code list_bad_replicas_status}.
     */
    public List<BadReplica> list(BadState state, String rse, Instant youngerThan, Instant olderThan, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("state", state == null ? null : state.name());
        params.put("rse", rse);
        params.put("younger", youngerThan == null ? null : youngerThan.toEpochMilli());
        params.put("older", olderThan == null ? null : olderThan.toEpochMilli());
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (b:BadReplica)
                WHERE ($state IS NULL OR b.state = $state) AND ($rse IS NULL OR b.rse = $rse)
                  AND ($younger IS NULL OR b.created_at >= $younger) AND ($older IS NULL OR b.created_at <= $older)
                RETURN b ORDER BY b.created_at DESC, b.id LIMIT $limit
                """, params).list(r -> of(r.get("b").asMap())));
    }

    /** A replica declared suspicious: how many times within the window asked, and when last. */
    public record Suspicious(String scope, String name, String rse, String rseId, long count, Instant createdAt) {
    }

    /**
     * Replicas declared SUSPICIOUS at least {@code attempts} times since {@code youngerThan} (null: ever), on the RSEs
     * given by id (null: all), whose replica is still in the catalog. Rucio's {@code get_suspicious_files}.
     */
    public List<Suspicious> suspicious(List<String> rseIds, Instant youngerThan, int attempts, int limit) {
        Map<String, Object> params = new HashMap<>();
        params.put("rses", rseIds);
        params.put("younger", youngerThan == null ? null : youngerThan.toEpochMilli());
        params.put("attempts", attempts);
        params.put("limit", limit);
        return store.read(tx -> tx.run("""
                MATCH (b:BadReplica {state: 'SUSPICIOUS'})
                WHERE ($rses IS NULL OR b.rse_id IN $rses) AND ($younger IS NULL OR b.created_at >= $younger)
                WITH b.key AS key, b.rse_id AS rse_id, b.scope AS scope, b.name AS name, b.rse AS rse,
                     count(b) AS n, max(b.created_at) AS last
                WHERE n >= $attempts
                  AND EXISTS { MATCH (:Did {key: key})-[:REPLICA]->(:Rse {id: rse_id}) }
                RETURN scope, name, rse, rse_id, n, last ORDER BY rse, scope, name LIMIT $limit
                """, params).list(r -> new Suspicious(r.get("scope").asString(), r.get("name").asString(),
                r.get("rse").asString(), r.get("rse_id").asString(), r.get("n").asLong(),
                Times.instant(r.get("last")))));
    }

    /** Declarations per RSE, day and reason, counted by state: Rucio's {@code get_bad_replicas_summary}. */
    public record Summary(String rse, String rseId, Instant createdAt, String reason, Map<BadState, Long> counts) {
    }

    /** Declarations between {@code from} and {@code to} (either may be null) on the RSEs given (null: all). */
    public List<Summary> summary(List<String> rseIds, Instant from, Instant to) {
        Map<String, Object> params = new HashMap<>();
        params.put("rses", rseIds);
        params.put("from", from == null ? null : from.toEpochMilli());
        params.put("to", to == null ? null : to.toEpochMilli());
        params.put("day", Duration.ofDays(1).toMillis());
        return store.read(tx -> {
            Map<List<Object>, Summary> out = new LinkedHashMap<>();
            for (Record r : tx.run("""
                    MATCH (b:BadReplica)
                    WHERE ($rses IS NULL OR b.rse_id IN $rses) AND ($from IS NULL OR b.created_at >= $from)
                      AND ($to IS NULL OR b.created_at < $to)
                    WITH b.rse AS rse, b.rse_id AS rse_id, b.created_at - b.created_at % $day AS day,
                         coalesce(b.reason, '') AS reason, b.state AS state, count(*) AS n
                    RETURN rse, rse_id, day, reason, state, n ORDER BY rse, day, reason
                    """, params).list()) {
                List<Object> k = List.of(r.get("rse_id").asString(), r.get("day").asLong(), r.get("reason").asString());
                Summary s = out.computeIfAbsent(k, x -> new Summary(r.get("rse").asString(),
                        r.get("rse_id").asString(), Instant.ofEpochMilli(r.get("day").asLong()),
                        r.get("reason").asString(), new LinkedHashMap<>()));
                s.counts().put(BadState.valueOf(r.get("state").asString()), r.get("n").asLong());
            }
            return List.copyOf(out.values());
        });
    }

    static BadReplica of(Map<String, Object> b) {
        return new BadReplica((String) b.get("scope"), (String) b.get("name"), (String) b.get("rse"),
                (String) b.get("rse_id"), (String) b.get("path"), BadState.valueOf((String) b.get("state")),
                (String) b.get("reason"), (String) b.get("account"), instant(b.get("created_at")),
                instant(b.get("updated_at")), instant(b.get("expires_at")));
    }

    private static Instant instant(Object millis) {
        return millis == null ? null : Instant.ofEpochMilli(((Number) millis).longValue());
    }
}
