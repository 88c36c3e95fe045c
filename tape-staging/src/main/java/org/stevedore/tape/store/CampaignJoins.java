package org.stevedore.tape.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Values;
import org.stevedore.tape.store.Campaign.Counts;

/**
 * Files one campaign leaves to another already staging them. A file a RUNNING campaign has pending, in flight or
 * staged on the same tape RSE is not asked for again: the newer campaign's file goes JOINED, naming that file as its host, and
 * follows it: staged under the host's stage request (so it is pinned, and held, under the same request), or back to
 * PENDING in its own campaign when the host failed, or its campaign is no longer RUNNING (paused, cancelled, expired),
 * never to join again. A JOINED file counts as requested; it uses its host campaign's window and priority, not its
 * own. Reached through {@link CampaignStore#joins()}.
 */
public final class CampaignJoins {

    /** What following the hosts found: files staged by them (with the host's request id), and files let go. */
    public record Followed(List<CampaignFile> staged, Map<String, Counts> fellBack) {
    }

    private final Store store;
    private final Clock clock;
    private final CampaignFileStore files;

    CampaignJoins(Store store, Clock clock, CampaignFileStore files) {
        this.store = store;
        this.clock = clock;
        this.files = files;
    }

    /**
     * The campaign's PENDING files that another RUNNING campaign has pending, in flight or staged on the same tape RSE
     * go JOINED to that campaign's file (a staged one first, then one in flight). Returns how many joined.
     */
    public int joinRunning(String campaignId) {
        return store.write(tx -> {
            Record r = tx.run("""
                    MATCH (f:CampaignFile {campaign_id: $id, state: 'PENDING'}) WHERE f.no_join IS NULL
                    CALL (f) {
                      MATCH (h:CampaignFile {did_key: f.did_key})
                      WHERE h.campaign_id <> f.campaign_id AND h.tape_rse = f.tape_rse
                        AND h.state IN ['PENDING', 'SUBMITTING', 'REQUESTED', 'STAGED']
                      MATCH (c:Campaign {id: h.campaign_id, state: 'RUNNING'})
                      RETURN h ORDER BY CASE h.state WHEN 'STAGED' THEN 0 WHEN 'REQUESTED' THEN 1 ELSE 2 END, h.key
                      LIMIT 1
                    }
                    SET f.state = 'JOINED', f.host_key = h.key
                    RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("id", campaignId)).single();
            long n = r.get("files").asLong();
            files.bump(tx, campaignId, Map.of("requested_files", n, "requested_bytes", r.get("bytes").asLong()));
            return (int) n;
        });
    }

    /** How many of the campaign's files wait on another campaign. */
    public long waiting(String campaignId) {
        return store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, state: 'JOINED'}) RETURN count(f) AS n
                """, Map.of("id", campaignId)).single().get("n").asLong());
    }

    /** The tape RSEs of the campaign's JOINED files: where it may have to ask for them itself. */
    public List<String> rses(String campaignId) {
        return store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, state: 'JOINED'}) RETURN DISTINCT f.tape_rse AS rse ORDER BY rse
                """, Map.of("id", campaignId)).list(r -> r.get("rse").asString()));
    }

    /**
     * Looks at the hosts of the campaign's JOINED files: those staged are returned (to be pinned, then settled with
     * {@link #settleStaged}); those failed, gone, or whose campaign stopped RUNNING send their file back to PENDING
     * here, counters included (returned per tape RSE).
     */
    public Followed follow(String campaignId) {
        List<CampaignFile> staged = new ArrayList<>();
        List<String> letGo = new ArrayList<>();
        store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, state: 'JOINED'})
                OPTIONAL MATCH (h:CampaignFile {key: f.host_key})
                OPTIONAL MATCH (c:Campaign {id: h.campaign_id})
                RETURN f, h.state AS host, h.request_id AS request, c.state AS campaign
                """, Map.of("id", campaignId)).list()).forEach(r -> {
            CampaignFile f = CampaignFileStore.file(r);
            String host = Values.str(r.get("host"));
            if ("STAGED".equals(host)) {
                staged.add(new CampaignFile(f.key(), f.didKey(), f.scope(), f.name(), f.bytes(), f.tapeRse(),
                        f.path(), f.state(), Values.str(r.get("request")), null));
            } else if (host == null || "FAILED".equals(host) || !"RUNNING".equals(Values.str(r.get("campaign")))) {
                letGo.add(f.key());
            }
        });
        return new Followed(staged, letGo.isEmpty() ? Map.of() : fallBack(campaignId, letGo));
    }

    /** JOINED files whose host was staged → STAGED under the host's request. Returns how many. */
    public int settleStaged(String campaignId, List<CampaignFile> staged) {
        if (staged.isEmpty()) {
            return 0;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CampaignFile f : staged) {
            Map<String, Object> row = new HashMap<>();
            row.put("key", f.key());
            row.put("request", f.requestId());
            rows.add(row);
        }
        long now = clock.millis();
        return store.write(tx -> {
            Record r = tx.run("""
                    UNWIND $rows AS row
                    MATCH (f:CampaignFile {key: row.key}) WHERE f.state = 'JOINED' AND f.campaign_id = $id
                    SET f.state = 'STAGED', f.request_id = row.request, f.staged_at = $now, f.settled_at = $now
                    RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("rows", rows, "id", campaignId, "now", now)).single();
            files.bump(tx, campaignId, Map.of("staged_files", r.get("files").asLong(),
                    "staged_bytes", r.get("bytes").asLong()));
            return (int) r.get("files").asLong();
        });
    }

    private Map<String, Counts> fallBack(String campaignId, List<String> keys) {
        return store.write(tx -> {
            Map<String, Counts> back = new HashMap<>();
            long[] sum = new long[2];
            tx.run("""
                    UNWIND $keys AS k
                    MATCH (f:CampaignFile {key: k}) WHERE f.state = 'JOINED' AND f.campaign_id = $id
                    SET f.state = 'PENDING', f.host_key = null, f.no_join = true
                    RETURN f.tape_rse AS rse, count(f) AS files, sum(f.bytes) AS bytes
                    """, Map.of("keys", keys, "id", campaignId)).list().forEach(r -> {
                Counts c = new Counts(r.get("files").asLong(), r.get("bytes").asLong());
                back.put(r.get("rse").asString(), c);
                sum[0] += c.files();
                sum[1] += c.bytes();
            });
            files.bump(tx, campaignId, Map.of("requested_files", -sum[0], "requested_bytes", -sum[1]));
            return back;
        });
    }
}
