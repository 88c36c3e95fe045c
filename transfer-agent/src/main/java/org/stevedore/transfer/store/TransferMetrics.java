package org.stevedore.transfer.store;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Record;
import org.neo4j.driver.Value;
import org.stevedore.catalog.metrics.StevedoreMetrics;

/**
 * What one finishing transaction of {@link RequestOutcomes} did per link and activity: transfers done, bytes moved,
 * attempts failed (retried or given up). Gathered inside the transaction, recorded on the metrics only after it
 * committed, since the driver may run a transaction function more than once.
 */
final class TransferMetrics {

    private record Key(String link, String activity) {
    }

    private final Map<Key, long[]> done = new HashMap<>();
    private final Map<Key, long[]> failed = new HashMap<>();

    void clear() {
        done.clear();
        failed.clear();
    }

    /** One row of FINISH_DONE's {@code moved}: [source, destination, activity, bytes]. */
    void done(Value moved) {
        List<Value> v = moved.asList(x -> x);
        long[] figures = done.computeIfAbsent(new Key(StevedoreMetrics.link(v.get(0).asString(), v.get(1).asString()),
                v.get(2).asString()), k -> new long[2]);
        figures[0]++;
        figures[1] += v.get(3).asLong();
    }

    /** One failed attempt: a row with source, destination and activity. */
    void failed(Record r) {
        failed.computeIfAbsent(new Key(StevedoreMetrics.link(r.get("source").asString(),
                r.get("destination").asString()), r.get("activity").asString()), k -> new long[1])[0]++;
    }

    void record() {
        done.forEach((k, figures) -> {
            StevedoreMetrics.counter(StevedoreMetrics.TRANSFERS_DONE, "Transfers that ended with the file copied",
                    StevedoreMetrics.LINK, k.link(), StevedoreMetrics.ACTIVITY, k.activity()).increment(figures[0]);
            StevedoreMetrics.counter(StevedoreMetrics.TRANSFERS_BYTES, "Bytes of the files transfers copied",
                    StevedoreMetrics.LINK, k.link(), StevedoreMetrics.ACTIVITY, k.activity()).increment(figures[1]);
        });
        failed.forEach((k, n) -> StevedoreMetrics.counter(StevedoreMetrics.TRANSFERS_FAILED,
                "Transfer attempts that failed, retried or given up", StevedoreMetrics.LINK, k.link(),
                StevedoreMetrics.ACTIVITY, k.activity()).increment(n[0]));
    }
}
