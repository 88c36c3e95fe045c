package org.stevedore.tape.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.stevedore.catalog.store.Store;
import org.stevedore.tape.store.Campaign.Counts;

/**
 * The record of a stage request around its call, so that a crash at any point loses no file and asks for none twice
 * where the endpoint allows. Before the call the files go PENDING → SUBMITTING under a submission id the campaign
 * makes (and sends, where the endpoint takes one); after it, SUBMITTING → REQUESTED under the endpoint's request id. A
 * restarted campaign finds its SUBMITTING files here ({@link #open}) and either finds their request again by the
 * submission id or asks for them once more. A REQUESTED file whose request the endpoint no longer knows (it
 * answered 404: an endpoint that forgot it, such as an emulator restarted with the service) goes back to PENDING
 * ({@link #forgotten}), a bounded number of times. Counters move in the same transactions: a file counts as
 * requested once its request id is recorded. Reached through {@link CampaignStore#submissions()}.
 */
public final class StageSubmissions {

    /** Files of one submission left SUBMITTING, with the tape RSE they were to be asked of. */
    public record Submission(String submitId, String tapeRse, List<CampaignFile> files) {

        public Submission {
            files = List.copyOf(files);
        }

        public long bytes() {
            return files.stream().mapToLong(CampaignFile::bytes).sum();
        }
    }

    private final Store store;
    private final Clock clock;
    private final CampaignFileStore files;

    StageSubmissions(Store store, Clock clock, CampaignFileStore files) {
        this.store = store;
        this.clock = clock;
        this.files = files;
    }

    /** PENDING files (by key) → SUBMITTING under {@code submitId}; returns how many were PENDING. */
    public int intend(String campaignId, List<String> keys, String submitId) {
        long now = clock.millis();
        return store.write(tx -> (int) tx.run("""
                UNWIND $keys AS k
                MATCH (f:CampaignFile {key: k}) WHERE f.state = 'PENDING' AND f.campaign_id = $id
                SET f.state = 'SUBMITTING', f.submit_id = $submit, f.requested_at = $now, f.request_id = null
                RETURN count(f) AS files
                """, Map.of("keys", keys, "id", campaignId, "submit", submitId, "now", now)).single()
                .get("files").asLong());
    }

    /**
     * The submission's SUBMITTING files → REQUESTED under the endpoint's {@code requestId}, now counted as requested;
     * returns how many.
     */
    public int submitted(String campaignId, String submitId, String requestId) {
        return store.write(tx -> {
            Record r = tx.run("""
                    MATCH (f:CampaignFile {campaign_id: $id, submit_id: $submit}) WHERE f.state = 'SUBMITTING'
                    SET f.state = 'REQUESTED', f.request_id = $request
                    RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("id", campaignId, "submit", submitId, "request", requestId)).single();
            long n = r.get("files").asLong();
            files.bump(tx, campaignId, Map.of("requested_files", n, "requested_bytes", r.get("bytes").asLong()));
            return (int) n;
        });
    }

    /** The submission's SUBMITTING files back to PENDING (the call surely failed, or made no request found since). */
    public int withdraw(String campaignId, String submitId) {
        return store.write(tx -> (int) tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, submit_id: $submit}) WHERE f.state = 'SUBMITTING'
                SET f.state = 'PENDING', f.submit_id = null, f.requested_at = null
                RETURN count(f) AS files
                """, Map.of("id", campaignId, "submit", submitId)).single().get("files").asLong());
    }

    /** The submission's SUBMITTING files FAILED with {@code reason} (the endpoint refused the request). */
    public Counts fail(String campaignId, String submitId, String reason) {
        long now = clock.millis();
        return store.write(tx -> {
            Record r = tx.run("""
                    MATCH (f:CampaignFile {campaign_id: $id, submit_id: $submit}) WHERE f.state = 'SUBMITTING'
                    SET f.state = 'FAILED', f.reason = $reason, f.settled_at = $now
                    RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("id", campaignId, "submit", submitId, "reason", reason, "now", now)).single();
            Counts failed = new Counts(r.get("files").asLong(), r.get("bytes").asLong());
            files.bump(tx, campaignId, Map.of("failed_files", failed.files(), "failed_bytes", failed.bytes()));
            return failed;
        });
    }

    /** The campaign's SUBMITTING files by submission, in (tape RSE, submission) order: what a crash left behind. */
    public List<Submission> open(String campaignId) {
        Map<String, List<CampaignFile>> bySubmission = new LinkedHashMap<>();
        Map<String, String> rses = new HashMap<>();
        store.read(tx -> tx.run("""
                MATCH (f:CampaignFile {campaign_id: $id, state: 'SUBMITTING'})
                RETURN f ORDER BY f.tape_rse, f.submit_id, f.path
                """, Map.of("id", campaignId)).list(CampaignFileStore::file)).forEach(f -> {
            bySubmission.computeIfAbsent(f.submitId(), k -> new ArrayList<>()).add(f);
            rses.put(f.submitId(), f.tapeRse());
        });
        List<Submission> open = new ArrayList<>();
        bySubmission.forEach((id, fs) -> open.add(new Submission(id, rses.get(id), fs)));
        return open;
    }

    /**
     * The REQUESTED files of a request the endpoint no longer knows: back to PENDING, to be asked for again, unless
     * they were already asked for again {@code maxReasks} times, in which case they fail with {@code reason}. Returns
     * the files and bytes that left the flight (both kinds), by tape RSE, and how many went back to PENDING.
     */
    public Forgotten forgotten(String campaignId, String requestId, int maxReasks, String reason) {
        long now = clock.millis();
        return store.write(tx -> {
            Record again = tx.run("""
                    MATCH (f:CampaignFile {campaign_id: $id, request_id: $request}) WHERE f.state = 'REQUESTED'
                      AND coalesce(f.reasks, 0) < $max
                    SET f.state = 'PENDING', f.request_id = null, f.submit_id = null, f.requested_at = null,
                        f.reasks = coalesce(f.reasks, 0) + 1
                    RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("id", campaignId, "request", requestId, "max", (long) maxReasks)).single();
            Counts pending = unRequest(tx, campaignId, again);
            Record failed = tx.run("""
                    MATCH (f:CampaignFile {campaign_id: $id, request_id: $request}) WHERE f.state = 'REQUESTED'
                    SET f.state = 'FAILED', f.reason = $reason, f.settled_at = $now
                    RETURN count(f) AS files, coalesce(sum(f.bytes), 0) AS bytes
                    """, Map.of("id", campaignId, "request", requestId, "reason", reason, "now", now)).single();
            Counts lost = new Counts(failed.get("files").asLong(), failed.get("bytes").asLong());
            files.bump(tx, campaignId, Map.of("failed_files", lost.files(), "failed_bytes", lost.bytes()));
            return new Forgotten(pending, lost);
        });
    }

    /** What {@link #forgotten} did: files back to PENDING, and files failed for good. */
    public record Forgotten(Counts pendingAgain, Counts failed) {
    }

    private Counts unRequest(TransactionContext tx, String campaignId, Record r) {
        Counts back = new Counts(r.get("files").asLong(), r.get("bytes").asLong());
        files.bump(tx, campaignId, Map.of("requested_files", -back.files(), "requested_bytes", -back.bytes()));
        return back;
    }
}
