package org.stevedore.transfer.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.neo4j.driver.Record;
import org.neo4j.driver.Value;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.store.Store;
import org.stevedore.catalog.store.Times;
import org.stevedore.catalog.store.Values;

/**
 * Transfer requests: {@code (:Request {key: scope:name|dest rse id, state, ...})}, written QUEUED by rule evaluation and
 * moved on by the conveyor: SUBMITTED with the transfer tool's job id once the tool took them (the job itself a
 * {@code (:TransferJob)} until it ends), then DONE (the replica becomes AVAILABLE and its locks OK, in one
 * transaction), back to QUEUED for a retry, or FAILED for good (its locks STUCK with the reason). SUBMITTING, the
 * claimed state of earlier releases, is no longer written (see {@link RequestClaims#claim}). The submitter's side is
 * {@link RequestClaims}, the poller's {@link RequestOutcomes}, the throttler's {@link ThrottleStore}; this class reads
 * requests for the API.
 *
 * <p>A request is written lean, because each property lengthens the chain of records every change to it walks and
 * copies at commit: what the file key and the destination RSE tell (scope, name, the RSE's name) and the defaults
 * (type TRANSFER, no retries) are not stored, nor an id (see {@link #id}) or the rule (its locks tell), and the
 * submission and the arrival write only their own time, not {@code updated_at}. {@link #list} puts them back as the
 * API shows them.
 */
public final class RequestStore {

    /** The activity of requests whose rule named none, as in Rucio. */
    public static final String DEFAULT_ACTIVITY = "User Subscriptions";

    /** A request as listed by the API. */
    public record Request(String id, String scope, String name, String destRse, String state, String requestType,
                          String activity, int priority, long bytes, int retryCount, String externalId,
                          String externalHost, String error, String sourceRse, Instant createdAt, Instant updatedAt,
                          Instant submittedAt, Instant transferredAt) {
    }

    private final Store store;

    public RequestStore(Store store) {
        this.store = store;
    }

    /** Requests of a file towards an RSE (the live one and finished ones still kept). */
    public List<Request> of(String didKey, String destRse) {
        // The request key is scope:name|rse id: one lookup in the key's unique index once the RSE's id is known.
        return store.read(tx -> tx.run("""
                MATCH (d:Rse {rse: $rse})
                MATCH (q:Request {key: $file + '|' + d.id})
                RETURN q, d.rse AS dest_rse
                """, Map.of("file", didKey, "rse", destRse)).list(RequestStore::request));
    }

    /** Streams requests, optionally of one state and destination. */
    public void list(String state, String destRse, long limit, Consumer<Request> sink) {
        Map<String, Object> params = new HashMap<>();
        params.put("state", state);
        params.put("rse", destRse);
        params.put("limit", limit <= 0 ? Long.MAX_VALUE : limit);
        // A request keeps its destination's id only: the name comes from the RSE (or, for requests written before
        // that, from the request itself).
        store.stream("""
                OPTIONAL MATCH (d:Rse {rse: $rse})
                WITH d WHERE $rse IS NULL OR d IS NOT NULL
                MATCH (q:Request)
                WHERE ($state IS NULL OR q.state = $state) AND (d IS NULL OR q.dest_rse_id = d.id)
                WITH q ORDER BY q.created_at, q.key LIMIT $limit
                OPTIONAL MATCH (dest:Rse {id: q.dest_rse_id})
                RETURN q, coalesce(dest.rse, q.dest_rse) AS dest_rse
                """, params, r -> sink.accept(request(r)));
    }

    /**
     * A request from its node and its destination's name. Written lean, a request leaves out what it can be told
     * from: its scope and name are those of its file key (scope:name), a retry count of 0 and the type TRANSFER are
     * not written, and its last change is the latest of {@code updated_at}, {@code submitted_at} and
     * {@code transferred_at}: the submission and the arrival, the two changes every request goes through, write only
     * their own time.
     */
    private static Request request(Record r) {
        var q = r.get("q").asNode();
        DidRef file = DidRef.fromKey(q.get("did_key").asString());
        Instant updated = latest(Times.instant(q.get("created_at")), Times.instant(q.get("updated_at")),
                Times.instant(q.get("submitted_at")), Times.instant(q.get("transferred_at")));
        return new Request(id(q.get("id"), q.get("key").asString(), q.get("created_at")), file.scope(), file.name(),
                Values.str(r.get("dest_rse")), q.get("state").asString(), q.get("request_type").asString("TRANSFER"),
                Values.str(q.get("activity")), q.get("priority").asInt(3), q.get("bytes").asLong(0),
                q.get("retry_count").asInt(0), Values.str(q.get("external_id")), Values.str(q.get("external_host")),
                Values.str(q.get("error")), Values.str(q.get("source_rse")), Times.instant(q.get("created_at")),
                updated, Times.instant(q.get("submitted_at")), Times.instant(q.get("transferred_at")));
    }

    /**
     * A request's id: not stored (a random UUID would take a whole property record of its own in every request's
     * chain) but named by its key and creation time, which no other request shares: the same UUID every time it is
     * shown, and a new one for a later request of the same file and RSE. Requests written before keep their stored id.
     */
    static String id(Value stored, String key, Value createdAt) {
        if (!stored.isNull()) {
            return stored.asString();
        }
        return UUID.nameUUIDFromBytes((key + "|" + createdAt.asLong()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Instant latest(Instant... times) {
        Instant latest = null;
        for (Instant t : times) {
            if (t != null && (latest == null || t.isAfter(latest))) {
                latest = t;
            }
        }
        return latest;
    }
}
