package org.stevedore.bridge.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.outbox.Events;

/** An outbox event holding a slice of transfers or deletions goes out as one Hermes message per element. */
class HermesMessageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void aSliceOfTransfersIsOneTransferDoneMessageEachWithStableIds() throws Exception {
        Events.Event event = new Events.Event("e1", "TRANSFERS_DONE",
                "{\"transfers\": [{\"scope\": \"s\", \"name\": \"a\"}, {\"scope\": \"s\", \"name\": \"b\"}]}", AT);

        List<HermesMessage> messages = HermesMessage.expand(event);

        assertThat(messages).extracting(HermesMessage::eventId).containsExactly("e1.0", "e1.1");
        assertThat(messages).extracting(HermesMessage::eventType).containsOnly("transfer-done");
        JsonNode body = JSON.readTree(messages.get(1).body());
        assertThat(body.get("event_type").asText()).isEqualTo("transfer-done");
        assertThat(body.get("payload")).isEqualTo(JSON.readTree("{\"scope\": \"s\", \"name\": \"b\"}"));
        assertThat(body.get("created_at").asText()).isEqualTo("2026-12-07 10:00:00");
    }

    @Test
    void failedTransfersAndDeletionsHaveRuciosEventTypesAndOtherEventsStayWhole() {
        assertThat(HermesMessage.expand(new Events.Event("f", "TRANSFERS_FAILED", "{\"transfers\": [{}]}", AT)))
                .extracting(HermesMessage::eventType).containsExactly("transfer-failed");
        assertThat(HermesMessage.expand(new Events.Event("d", "DELETIONS_DONE", "{\"deletions\": [{}, {}, {}]}", AT)))
                .extracting(HermesMessage::eventType).containsExactly("deletion-done", "deletion-done",
                        "deletion-done");
        assertThat(HermesMessage.expand(new Events.Event("r", "RULE_OK", "{\"rule_id\": \"x\"}", AT)))
                .extracting(HermesMessage::eventId, HermesMessage::eventType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("r", "rule_ok"));
    }
}
