package org.stevedore.transfer.store;

import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.metrics.StevedoreMetrics;

/**
 * What one finishing transaction of {@link RequestOutcomes} did: per link and activity, transfers done, bytes moved
 * and attempts failed (retried or given up) for the metrics, and one log line per request with its id, its key and its
 * job. Gathered inside the transaction, recorded and logged only after it committed, since the driver may run a
 * transaction function more than once.
 */
final class TransferMetrics {

    private static final Logger log = LoggerFactory.getLogger(RequestOutcomes.class);

    private record Key(String link, String activity) {
    }

    private final Map<Key, long[]> done = new HashMap<>();
    private final Map<Key, long[]> failed = new HashMap<>();
    private final List<Runnable> lines = new ArrayList<>();
    private final List<Map<String, Object>> doneEvents = new ArrayList<>();
    private final List<Map<String, Object>> failedEvents = new ArrayList<>();

    void clear() {
        done.clear();
        failed.clear();
        lines.clear();
        doneEvents.clear();
        failedEvents.clear();
    }

    /**
     * One row of FINISH_DONE's {@code moved}: [source, destination, activity, bytes, request key, job id, stored id,
     * created at, file key, adler32, transfer tool's host].
     */
    void done(Value moved) {
        List<Value> v = moved.asList(x -> x);
        String link = StevedoreMetrics.link(v.get(0).asString(), v.get(1).asString());
        long[] figures = done.computeIfAbsent(new Key(link, v.get(2).asString()), k -> new long[2]);
        figures[0]++;
        figures[1] += v.get(3).asLong();
        String requestId = requestId(v.get(6), v.get(4).asString(), v.get(7));
        String key = v.get(4).asString();
        String job = v.get(5).asString();
        long bytes = v.get(3).asLong();
        lines.add(() -> log.info("Transfer done: request {} ({}) job {} {} activity '{}', {} bytes", requestId, key,
                job, link, v.get(2).asString(), bytes));
        doneEvents.add(TransferEvents.payload(requestId, v.get(8).asString(), v.get(0).asString(), v.get(1).asString(),
                v.get(2).asString(), bytes, v.get(9).asString(), v.get(10).asString(), job, null, v.get(7)));
    }

    /** One failed attempt: a row with the request's ids, source, destination, activity, error and whether it ended. */
    void failed(Record r) {
        String link = StevedoreMetrics.link(r.get("source").asString(), r.get("destination").asString());
        failed.computeIfAbsent(new Key(link, r.get("activity").asString()), k -> new long[1])[0]++;
        String requestId = requestId(r.get("request_id"), r.get("request_key").asString(), r.get("created_at"));
        String key = r.get("request_key").asString();
        String job = r.get("job").asString();
        String error = r.get("error").asString("");
        failedEvents.add(TransferEvents.payload(requestId, r.get("key").asString(), r.get("source").asString(),
                r.get("destination").asString(), r.get("activity").asString(), null, null, r.get("host").asString(""),
                job, error, r.get("created_at")));
        if (r.get("given_up").asBoolean()) {
            lines.add(() -> log.warn("Transfer failed for good: request {} ({}) job {} {}: {}", requestId, key, job,
                    link, error));
        } else {
            lines.add(() -> log.info("Transfer failed, to be retried: request {} ({}) job {} {}: {}", requestId, key,
                    job, link, error));
        }
    }

    private static Counter failedCounter(Key k) {
        return StevedoreMetrics.counter(StevedoreMetrics.TRANSFERS_FAILED,
                "Transfer attempts that failed, retried or given up", StevedoreMetrics.LINK, k.link(),
                StevedoreMetrics.ACTIVITY, k.activity());
    }

    /** The id the API shows for the request ({@link RequestStore#id}); its key when it has no creation time. */
    private static String requestId(Value stored, String key, Value createdAt) {
        return stored.isNull() && createdAt.isNull() ? key : RequestStore.id(stored, key, createdAt);
    }

    /** Writes the transaction's transfer-done and transfer-failed events to the outbox, in slices. */
    void emit(TransactionContext tx, long now) {
        TransferEvents.emit(tx, TransferEvents.TRANSFERS_DONE, doneEvents, now);
        TransferEvents.emit(tx, TransferEvents.TRANSFERS_FAILED, failedEvents, now);
    }

    void record() {
        done.forEach((k, figures) -> {
            StevedoreMetrics.counter(StevedoreMetrics.TRANSFERS_DONE, "Transfers that ended with the file copied",
                    StevedoreMetrics.LINK, k.link(), StevedoreMetrics.ACTIVITY, k.activity()).increment(figures[0]);
            StevedoreMetrics.counter(StevedoreMetrics.TRANSFERS_BYTES, "Bytes of the files transfers copied",
                    StevedoreMetrics.LINK, k.link(), StevedoreMetrics.ACTIVITY, k.activity()).increment(figures[1]);
            // A link that works has its failure count too, at 0: an efficiency of done / (done + failed) needs both.
            failedCounter(k).increment(0);
        });
        failed.forEach((k, n) -> failedCounter(k).increment(n[0]));
        lines.forEach(Runnable::run);
    }
}
