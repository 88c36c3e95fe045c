package org.stevedore.bridge.broker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.time.PythonTimes;

/**
 * One outbox event as a broker message, in the shape Rucio's Hermes sends, so that consumers written for Rucio
 * (iDDS, PanDA, monitoring) read it unchanged: the body {@code {"event_type": ..., "payload": {...}, "created_at":
 * ...}} with the event type in lower case and the creation time as Python prints a naive UTC datetime
 * ({@code 2026-12-07 14:05:00.123000}, no fraction when it is zero); the event type also as a header.
 *
 * @param eventId   the outbox event's id, sent as the message id so a consumer can drop the duplicates at-least-once
 *                  delivery allows
 * @param eventType the event type as sent (lower case)
 * @param createdAt when the event was created (committed with its change)
 * @param body      the JSON body, UTF-8
 */
public record HermesMessage(String eventId, String eventType, Instant createdAt, byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The outbox types that hold a slice of many of Rucio's messages, with the payload list they are in and the
     * event type each element is sent as: one message per transfer or deletion, as Hermes sends them.
     */
    private static final Map<String, String[]> SLICES = Map.of(
            "TRANSFERS_DONE", new String[] {"transfers", "transfer-done"},
            "TRANSFERS_FAILED", new String[] {"transfers", "transfer-failed"},
            "DELETIONS_DONE", new String[] {"deletions", "deletion-done"});

    /**
     * The messages for an outbox event: one, or one per element of an event that holds a slice of transfers or
     * deletions, each with the message id {@code <event id>.<index>} (stable, so duplicates can still be dropped).
     */
    public static List<HermesMessage> expand(Events.Event event) {
        String[] slice = SLICES.get(event.type());
        if (slice == null) {
            return List.of(of(event));
        }
        JsonNode elements = payload(event).path(slice[0]);
        List<HermesMessage> out = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
            out.add(message(event.id() + "." + i, slice[1], event.createdAt(), elements.get(i)));
        }
        return out;
    }

    /** The message for an outbox event, its payload as it is. */
    public static HermesMessage of(Events.Event event) {
        return message(event.id(), event.type().toLowerCase(Locale.ROOT), event.createdAt(), payload(event));
    }

    private static HermesMessage message(String id, String type, Instant createdAt, JsonNode payload) {
        ObjectNode body = JSON.createObjectNode();
        body.put("event_type", type);
        body.set("payload", payload);
        body.put("created_at", pythonTime(createdAt));
        try {
            return new HermesMessage(id, type, createdAt, JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise event " + id, e);
        }
    }

    /** The body as text. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** {@code str(datetime)} of a naive UTC time in Python: microseconds only when not zero. */
    static String pythonTime(Instant at) {
        return PythonTimes.str(at);
    }

    private static JsonNode payload(Events.Event event) {
        try {
            return JSON.readTree(event.payload());
        } catch (JsonProcessingException e) {
            // Events.emit writes JSON; anything else is carried as text rather than blocking the sink forever.
            return JSON.getNodeFactory().textNode(event.payload());
        }
    }
}
