package org.stevedore.tape.store;

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
import org.stevedore.catalog.metrics.StevedoreMetrics;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;
import org.stevedore.tape.store.Campaign.Counts;

/**
 * A campaign's files, from its expansion through the staging queue to their outcome. Layout: {@code (:CampaignFile
 * {key: <campaign id>|<scope:name>, campaign_id, did_key, bytes, tape_rse, path, state, request_id, reason, staged_at,
 * copy})}. Each change of file states moves the campaign's counters by deltas in the same transaction, so reading
 * progress never scans the files. Reached through {@link CampaignStore#files()}.
 */
public final class CampaignFileStore {

    /** A file under a campaign's inputs, with the tape replicas it could be staged from. */
    public record Candidate(String didKey, String scope, String name, long bytes, List<TapeCopy> tapeCopies) {
    }

    /** A replica on a TAPE RSE. */
    public record TapeCopy(String rse, String path) {
    }

    /** A staged or failed file (by key); {@code reason} only for failures. */
    public record Outcome(String key, boolean staged, String reason) {
    }

    /** A stage request still waiting for some of the campaign's files, and the tape RSE it went to. */
    public record OutstandingRequest(String requestId, String tapeRse) {
    }

    private final Store store;
    private final Clock clock;

    CampaignFileStore(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    // ---- expansion --------------------------------------------------------------------------------------------

    /**
     * Streams every distinct file under {@code inputKeys}, with its AVAILABLE replicas on the RSEs it is staged from:
     * TAPE RSEs, and DISK RSEs whose {@code staging_required} attribute is true (a disk buffer in front of a tape,
     * recalled in place).
     */
    public void candidates(List<String> inputKeys, Consumer<Candidate> sink) {
        store.stream("""
                UNWIND $inputs AS k
                MATCH (:Did {key: k})-[:CONTAINS*0..]->(f:Did {did_type: 'FILE'})
                WITH DISTINCT f
                RETURN f.key AS key, f.scope AS scope, f.name AS name, coalesce(f.bytes, 0) AS bytes,
                       [(f)-[r:REPLICA {state: 'AVAILABLE'}]->(t:Rse)
                         WHERE t.rse_type = 'TAPE'
                            OR toLower(trim(toString(t.`attr:staging_required`))) IN ['true', '1', 'yes']
                         | [t.rse, r.path]] AS tapes
                """, Map.of("inputs", inputKeys), r -> {
            List<TapeCopy> copies = new ArrayList<>();
            for (Object o : r.get("tapes").asList()) {
                List<?> pair = (List<?>) o;
                copies.add(new TapeCopy((String) pair.get(0), (String) pair.get(1)));
            }
            sink.accept(new Candidate(r.get("key").asString(), r.get("scope").asString(), r.get("name").asString(),
                    r.get("bytes").asLong(), copies));
        });
    }

    /**
     * Adds files to a campaign, skipping those it has already (a restarted expansion writes the same files again):
     * PENDING with their tape RSE and path, or FAILED with a reason when {@code tapeRse} is null. Returns how many were
     * new.
     */
    public int addFiles(String campaignId, List<CampaignFile> files) {
        if (files.isEmpty()) {
            return 0;
        }
        List<Map<String, Object>> rows = new ArrayList<>(files.size());
        for (CampaignFile f : files) {
            Map<String, Object> row = new HashMap<>();
            row.put("key", fileKey(campaignId, f.didKey()));
            row.put("did_key", f.didKey());
            row.put("scope", f.scope());
            row.put("name", f.name());
            row.put("bytes", f.bytes());
            row.put("tape_rse", f.tapeRse());
            row.put("path", f.path());
            row.put("state", f.state().name());
            row.put("reason", f.reason());
            rows.add(row);
        }
        return store.write(tx -> {
            Set<String> existing = new HashSet<>(tx.run("""
                    UNWIND $keys AS k MATCH (f:CampaignFile {key: k}) RETURN f.key AS key
                    """, Map.of("keys", rows.stream().map(r -> r.get("key")).toList())).list(r -> r.get("key").asString()));
            List<Map<String, Object>> fresh = rows.stream().filter(r -> !existing.contains((String) r.get("key"))).toList();
            long bytes = 0;
            long failedFiles = 0;
            long failedBytes = 0;
            for (Map<String, Object> r : fresh) {
                bytes += (long) r.get("bytes");
                if (CampaignFileState.FAILED.name().equals(r.get("state"))) {
                    failedFiles++;
                    failedBytes += (long) r.get("bytes");
                }
            }
            tx.run("""
                    UNWIND $rows AS row
                    CREATE (f:CampaignFile {key: row.key, campaign_id: $id, did_key: row.did_key, scope: row.scope,
                            name: row.name, bytes: row.bytes, tape_rse: row.tape_rse, path: row.path, state: row.state,
                            reason: row.reason})
                    """, Map.of("rows", fresh, "id", campaignId)).consume();
            bump(tx, campaignId, Map.of("total_files", (long) fresh.size(), "total_bytes", bytes,
                    "failed_files", failedFiles, "failed_bytes", failedBytes));
            return fresh.size();
        });
    }

    public void markExpanded(String campaignId) {
        store.run("MATCH (c:Campaign {id: $id}) SET c.expanded = true, c.updated_at = $now",
                Map.of("id", campaignId, "now", clock.millis()));
    }

    // ---- the staging queue ------------------------------------------------------------------------------------

    /** PENDING files and bytes per tape RSE, in tape RSE order. */
    public Map<String, Counts> pendingByTapeRse(String campaignId) {
        return countsByTapeRse(campaignId, CampaignFileState.PENDING);
    }

    /** SUBMITTING and REQUESTED (in flight) files and bytes per tape RSE. */
    public Map<String, Counts> inFlightByTapeRse(String campaignId) {
        return countsByTapeRse(campaignId, CampaignFileState.SUBMITTING, CampaignFileState.REQUESTED);
    }

    private Map<String, Counts> countsByTapeRse(String campaignId, CampaignFileState... states) {
        Map<String, Counts> counts = new LinkedHashMap<>();
        List<String> names = java.util.Arrays.stream(states).map(Enum::name).toList();
        store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id}) WHERE f.state IN $states
                  AND f.tape_rse IS NOT NULL AND f.path IS NOT NULL
                RETURN f.tape_rse AS rse, count(f) AS files, sum(f.bytes) AS bytes ORDER BY rse
                """, Map.of("id", campaignId, "states", names)).list()).forEach(r -> counts.put(
                r.get("rse").asString(), new Counts(r.get("files").asLong(), r.get("bytes").asLong())));
        return counts;
    }

    /** The next PENDING files of a campaign on one tape RSE, by path, after {@code afterPath} (null: from the start). */
    public List<CampaignFile> pending(String campaignId, String tapeRse, String afterPath, int limit) {
        Map<String, Object> p = new HashMap<>();
        p.put("id", campaignId);
        p.put("rse", tapeRse);
        p.put("after", afterPath == null ? "" : afterPath);
        p.put("limit", (long) limit);
        return store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, state: 'PENDING', tape_rse: $rse}) WHERE f.path > $after
                RETURN f ORDER BY f.path LIMIT $limit
                """, p).list(CampaignFileStore::file));
    }

    /**
     * Records that PENDING files (by key) went into stage request {@code requestId}, in one transaction with the
     * campaign's counters. Returns how many were PENDING; the others are left alone.
     */
    public int requested(String campaignId, List<String> keys, String requestId) {
        long now = clock.millis();
        return store.write(tx -> {
            Record r = tx.run("""
                    UNWIND $keys AS k
                    MATCH (f:CampaignFile {key: k}) WHERE f.state = 'PENDING'
                    SET f.state = 'REQUESTED', f.request_id = $request, f.requested_at = $now
                    RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("keys", keys, "request", requestId, "now", now)).single();
            long files = r.get("files").asLong();
            bump(tx, campaignId, Map.of("requested_files", files, "requested_bytes", r.get("bytes").asLong()));
            return (int) files;
        });
    }

    /**
     * Fails PENDING files (by key) with a reason, counters included: files that can never be requested (larger than
     * any window, no endpoint, refused by the endpoint). Returns the files and bytes failed.
     */
    public Counts failPending(String campaignId, List<String> keys, String reason) {
        long now = clock.millis();
        Map<String, Long> perRse = new HashMap<>();
        Counts failed = store.write(tx -> {
            perRse.clear();
            long[] sums = new long[2];
            tx.run("""
                    UNWIND $keys AS k
                    MATCH (f:CampaignFile {key: k}) WHERE f.state = 'PENDING'
                    SET f.state = 'FAILED', f.reason = $reason, f.settled_at = $now
                    RETURN coalesce(f.tape_rse, '?') AS rse, count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("keys", keys, "reason", reason, "now", now)).list().forEach(r -> {
                perRse.merge(r.get("rse").asString(), r.get("files").asLong(), Long::sum);
                sums[0] += r.get("files").asLong();
                sums[1] += r.get("bytes").asLong();
            });
            Counts counts = new Counts(sums[0], sums[1]);
            bump(tx, campaignId, Map.of("failed_files", counts.files(), "failed_bytes", counts.bytes()));
            return counts;
        });
        perRse.forEach(CampaignFileStore::failedOnTape);
        return failed;
    }

    /** The distinct stage requests that still have REQUESTED files of the campaign. */
    public List<OutstandingRequest> outstanding(String campaignId) {
        return store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, state: 'REQUESTED'}) WHERE f.tape_rse IS NOT NULL AND f.path IS NOT NULL
                RETURN DISTINCT f.request_id AS request, f.tape_rse AS rse ORDER BY rse, request
                """, Map.of("id", campaignId)).list(r -> new OutstandingRequest(r.get("request").asString(),
                r.get("rse").asString())));
    }

    /** The REQUESTED files of one stage request, by path. */
    public Map<String, CampaignFile> requestedIn(String campaignId, String requestId) {
        Map<String, CampaignFile> byPath = new HashMap<>();
        store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, request_id: $request}) WHERE f.state = 'REQUESTED'
                RETURN f
                """, Map.of("id", campaignId, "request", requestId)).list(CampaignFileStore::file))
                .forEach(f -> byPath.put(f.path(), f));
        return byPath;
    }

    /**
     * Settles REQUESTED files as STAGED or FAILED (with the reason), counters included, in one transaction. Files
     * no longer REQUESTED are skipped, so a repeated poll counts nothing twice. Returns the settled files and bytes
     * per tape RSE.
     */
    public Map<String, Counts> settle(String campaignId, List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return Map.of();
        }
        List<Map<String, Object>> rows = new ArrayList<>(outcomes.size());
        for (Outcome o : outcomes) {
            Map<String, Object> row = new HashMap<>();
            row.put("key", o.key());
            row.put("staged", o.staged());
            row.put("reason", o.staged() ? null : (o.reason() == null ? "failed without a reason" : o.reason()));
            rows.add(row);
        }
        long now = clock.millis();
        // [tape RSE, staged?, files, bytes] per row, counted on the metrics once the transaction committed.
        List<Object[]> settled = new ArrayList<>();
        Map<String, Counts> result = store.write(tx -> {
            settled.clear();
            Map<String, Counts> freed = new HashMap<>();
            long[] sums = new long[4];
            tx.run("""
                    UNWIND $rows AS row
                    MATCH (f:CampaignFile {key: row.key}) WHERE f.state = 'REQUESTED'
                    SET f.state = CASE WHEN row.staged THEN 'STAGED' ELSE 'FAILED' END, f.reason = row.reason,
                        f.staged_at = CASE WHEN row.staged THEN $now ELSE null END, f.settled_at = $now
                    RETURN f.tape_rse AS rse, row.staged AS staged, count(f) AS files, sum(f.bytes) AS bytes
                    """, Map.of("rows", rows, "now", now)).list().forEach(r -> {
                long files = r.get("files").asLong();
                long bytes = r.get("bytes").asLong();
                int at = r.get("staged").asBoolean() ? 0 : 2;
                settled.add(new Object[] {r.get("rse").asString(), r.get("staged").asBoolean(), files, bytes});
                sums[at] += files;
                sums[at + 1] += bytes;
                freed.merge(r.get("rse").asString(), new Counts(files, bytes),
                        (a, b) -> new Counts(a.files() + b.files(), a.bytes() + b.bytes()));
            });
            bump(tx, campaignId, Map.of("staged_files", sums[0], "staged_bytes", sums[1], "failed_files", sums[2],
                    "failed_bytes", sums[3]));
            return freed;
        });
        for (Object[] row : settled) {
            String rse = (String) row[0];
            if ((Boolean) row[1]) {
                StevedoreMetrics.counter(StevedoreMetrics.CAMPAIGN_FILES_STAGED, "Files campaigns staged from tape",
                        StevedoreMetrics.RSE, rse).increment((Long) row[2]);
                StevedoreMetrics.counter(StevedoreMetrics.CAMPAIGN_BYTES_STAGED, "Bytes campaigns staged from tape",
                        StevedoreMetrics.RSE, rse).increment((Long) row[3]);
                // The failure count of a tape RSE that stages exists too, at 0, so a dashboard shows it.
                failedOnTape(rse, 0);
            } else {
                failedOnTape(rse, (Long) row[2]);
            }
        }
        return result;
    }

    private static void failedOnTape(String rse, long files) {
        StevedoreMetrics.counter(StevedoreMetrics.CAMPAIGN_FILES_FAILED,
                "Files campaigns could not stage (the endpoint failed or refused them, or none could take them)",
                StevedoreMetrics.RSE, rse == null ? "?" : rse).increment(files);
    }

    /** Files and bytes of the campaign staged since {@code since}: the measured rate. */
    public Counts stagedSince(String campaignId, Instant since) {
        Record r = store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id}) WHERE f.staged_at >= $since
                RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                """, Map.of("id", campaignId, "since", since.toEpochMilli())).single());
        return new Counts(r.get("files").asLong(), r.get("bytes").asLong());
    }

    /** When the campaign's last file was seen staged, or null. */
    public Instant lastStaged(String campaignId) {
        return store.read(tx -> Times.instant(tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id}) WHERE f.staged_at IS NOT NULL RETURN max(f.staged_at) AS last
                """, Map.of("id", campaignId)).single().get("last")));
    }

    /** Up to {@code limit} files of the campaign in one state, by tape RSE and path (failed files keep their reason). */
    public List<CampaignFile> files(String campaignId, CampaignFileState state, int limit) {
        return store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, state: $state})
                RETURN f ORDER BY f.tape_rse, f.path, f.key LIMIT $limit
                """, Map.of("id", campaignId, "state", state.name(), "limit", (long) limit)).list(CampaignFileStore::file));
    }

    /**
     * Marks the campaign's PENDING, SUBMITTING, REQUESTED and JOINED files FAILED with {@code reason} (cancelled, or past its
     * deadline).
     */
    public int failOpen(String campaignId, String reason) {
        long now = clock.millis();
        return store.write(tx -> {
            Record r = tx.run("""
                    MATCH (f:CampaignFile {campaign_id: $id}) WHERE f.state IN ['PENDING', 'SUBMITTING', 'REQUESTED', 'JOINED']
                    SET f.state = 'FAILED', f.reason = $reason, f.settled_at = $now
                    RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("id", campaignId, "reason", reason, "now", now)).single();
            bump(tx, campaignId, Map.of("failed_files", r.get("files").asLong(), "failed_bytes", r.get("bytes").asLong()));
            return (int) r.get("files").asLong();
        });
    }

    public static String fileKey(String campaignId, String didKey) {
        return campaignId + "|" + didKey;
    }

    // ---- mapping ----------------------------------------------------------------------------------------------

    void bump(TransactionContext tx, String campaignId, Map<String, Long> deltas) {
        StringBuilder set = new StringBuilder("c.updated_at = $now");
        Map<String, Object> p = new HashMap<>();
        p.put("id", campaignId);
        p.put("now", clock.millis());
        deltas.forEach((k, v) -> {
            if (v != 0) {
                set.append(", c.").append(k).append(" = c.").append(k).append(" + $").append(k);
                p.put(k, v);
            }
        });
        tx.run("MATCH (c:Campaign {id: $id}) SET " + set, p).consume();
    }

    static CampaignFile file(Record r) {
        var f = r.get("f").asNode();
        return new CampaignFile(f.get("key").asString(), f.get("did_key").asString(), f.get("scope").asString(),
                f.get("name").asString(), f.get("bytes").asLong(0), Values.str(f.get("tape_rse")),
                Values.str(f.get("path")), CampaignFileState.valueOf(f.get("state").asString()),
                Values.str(f.get("request_id")), Values.str(f.get("reason")), Values.str(f.get("submit_id")));
    }
}
