package org.stevedore.transfer.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.neo4j.driver.TransactionContext;
import org.neo4j.driver.Value;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.store.Times;

/**
 * Transfer outcomes as outbox events, for the consumers Rucio's Hermes feeds (iDDS, PanDA, monitoring): each
 * transfer's payload carries the keys of Rucio's {@code transfer-done} and {@code transfer-failed} messages
 * ({@code request-id}, {@code scope}, {@code name}, {@code src-rse}, {@code dst-rse}, {@code file-size},
 * {@code transfer-id}, ...; keys Stevedore has no value for are present and null, as Rucio sends them).
 *
 * <p>One outbox event holds a slice of a finishing transaction's transfers ({@value #SLICE} at most), not one each:
 * the conveyor finishes thousands of transfers per transaction, and one node per transfer would double its writes.
 * The broker sinks send one message per transfer from it.
 */
public final class TransferEvents {

    /** Outbox type of a slice of transfers that ended with the file copied; payload {@code {"transfers": [...]}}. */
    public static final String TRANSFERS_DONE = "TRANSFERS_DONE";
    /** Outbox type of a slice of failed transfer attempts (retried or given up). */
    public static final String TRANSFERS_FAILED = "TRANSFERS_FAILED";
    /** The payload's list of transfers. */
    public static final String LIST = "transfers";
    static final int SLICE = 500;

    /** How Rucio's API encoder writes a datetime (RFC 1123). */
    private static final DateTimeFormatter RFC_1123 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.US).withZone(ZoneOffset.UTC);

    private TransferEvents() {
    }

    /**
     * One transfer's payload.
     *
     * @param fileKey {@code scope:name}
     * @param bytes   null for a failure (Rucio sends the request's size either way; a failed attempt's is unknown here)
     * @param reason  null when it succeeded
     */
    static Map<String, Object> payload(String requestId, String fileKey, String source, String destination,
                                       String activity, Long bytes, String adler32, String host, String job,
                                       String reason, Value createdAt) {
        DidRef file = DidRef.fromKey(fileKey);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("activity", activity);
        p.put("request-id", requestId);
        p.put("duration", -1);
        p.put("checksum-adler", adler32 == null || adler32.isEmpty() ? null : adler32);
        p.put("checksum-md5", null);
        p.put("file-size", bytes);
        p.put("bytes", bytes);
        p.put("guid", null);
        p.put("previous-request-id", null);
        p.put("protocol", null);
        p.put("scope", file.scope());
        p.put("name", file.name());
        p.put("dataset", null);
        p.put("datasetScope", null);
        p.put("src-type", null);
        p.put("src-rse", source == null || source.isEmpty() ? null : source);
        p.put("src-url", null);
        p.put("dst-type", null);
        p.put("dst-rse", destination);
        p.put("dst-url", null);
        p.put("reason", reason);
        p.put("transfer-endpoint", host == null || host.isEmpty() ? null : host);
        p.put("transfer-id", job == null || job.isEmpty() ? null : job);
        p.put("transfer-link", null);
        Instant created = createdAt == null || createdAt.isNull() ? null : Times.instant(createdAt);
        p.put("created_at", created == null ? null : RFC_1123.format(created));
        p.put("tool-id", "stevedore-conveyor");
        p.put("account", null);
        return p;
    }

    /** Writes {@code transfers} as events of {@code type}, {@value #SLICE} per event, in the caller's transaction. */
    static void emit(TransactionContext tx, String type, List<Map<String, Object>> transfers, long now) {
        for (int from = 0; from < transfers.size(); from += SLICE) {
            List<Map<String, Object>> slice = transfers.subList(from, Math.min(transfers.size(), from + SLICE));
            Events.emit(tx, type, Map.of(LIST, slice), now);
        }
    }
}
