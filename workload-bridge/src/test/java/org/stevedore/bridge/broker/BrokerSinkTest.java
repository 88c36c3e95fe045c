package org.stevedore.bridge.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.evaluation.RuleRequest;
import org.stevedore.testsupport.Counterparts;
import org.stevedore.testsupport.RabbitNode;

/**
 * The outbox's events reach a real RabbitMQ over AMQP (publisher confirms) and over STOMP (receipts) in Rucio's
 * Hermes shape; with the broker down they wait in the outbox and arrive, without a gap, once it is back. One node
 * for the class (it takes seconds to boot); each test starts from empty queues.
 */
class BrokerSinkTest extends StoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AMQP_QUEUE = "hermes-amqp";
    private static final String STOMP_QUEUE = "hermes-stomp";
    private static RabbitNode node;

    private BridgeFixture f;
    private BrokerSink amqp;
    private BrokerSink stomp;

    @BeforeAll
    static void startNode() throws Exception {
        Counterparts.require(RabbitNode.installed(), "rabbitmq-server with its STOMP plugin (Debian package rabbitmq-server)");
        node = RabbitNode.start("sink");
        withChannel(ch -> {
            ch.queueDeclare(AMQP_QUEUE, true, false, false, null);
            ch.queueBind(AMQP_QUEUE, "amq.topic", "stevedore.#");
            ch.queueDeclare(STOMP_QUEUE, true, false, false, null);
        });
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        node.start();
        withChannel(ch -> {
            ch.queuePurge(AMQP_QUEUE);
            ch.queuePurge(STOMP_QUEUE);
        });
        f = new BridgeFixture(store, MutableClock.at("2026-12-07T10:00:00Z"));
        amqp = amqpSink(10);
        stomp = stompSink("/amq/queue/" + STOMP_QUEUE, 10);
    }

    @AfterEach
    void closePublishers() {
        if (amqp != null) {
            amqp.close();
            stomp.close();
        }
    }

    private BrokerSink amqpSink(int batch) {
        return new BrokerSink("broker-amqp", f.events, new AmqpPublisher(new AmqpPublisher.Settings("127.0.0.1",
                node.amqpPort(), "/", "guest", "guest", false, "amq.topic", "stevedore.{event_type}",
                Duration.ofSeconds(5), Duration.ofSeconds(10))), new BrokerSink.Settings(batch, Duration.ofSeconds(60),
                List.of()));
    }

    private BrokerSink stompSink(String destination, int batch) {
        return new BrokerSink("broker-stomp", f.events, new StompPublisher(new StompPublisher.Settings("127.0.0.1",
                node.stompPort(), "/", "guest", "guest", false, destination, Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofSeconds(10))), new BrokerSink.Settings(batch, Duration.ofSeconds(60),
                List.of()));
    }

    @Test
    void theEventsOfAMovedRuleArriveOverAmqpAndStompInRucioShape() throws Exception {
        List<String> keys = f.files("f", 3, "SRC");
        f.dataset("ds", keys);
        String rule = f.ruleService.add(new RuleRequest(List.of(new DidRef("s", "ds")), null, 1, "DISK_A", null, null,
                null, null, null, null, "Y", null, null, null, null, null, null, null), "jdoe").get(0);
        f.submitAll();
        keys.forEach(k -> f.transferred(k, "DISK_A", true));
        // One message per outbox event, but one per transfer for an event holding a slice of transfers.
        Set<String> outbox = new HashSet<>();
        f.events.oldest(1_000).forEach(e -> HermesMessage.expand(e).forEach(m -> outbox.add(m.eventId())));
        assertThat(outbox).isNotEmpty();

        drain(amqp);
        drain(stomp);

        for (String queue : List.of(AMQP_QUEUE, STOMP_QUEUE)) {
            List<GetResponse> got = take(queue);
            assertThat(got).extracting(BrokerSinkTest::eventId).containsExactlyInAnyOrderElementsOf(outbox);
            List<JsonNode> done = new ArrayList<>();
            for (GetResponse g : got) {
                if ("transfer-done".equals(header(g, "event_type"))) {
                    done.add(JSON.readTree(g.getBody()).get("payload"));
                }
            }
            assertThat(done).as("Rucio's transfer-done, one per file").hasSize(3);
            assertThat(done).extracting(d -> d.get("scope").asText() + ":" + d.get("name").asText())
                    .containsExactlyInAnyOrderElementsOf(keys);
            assertThat(done).allSatisfy(d -> {
                assertThat(d.get("dst-rse").asText()).isEqualTo("DISK_A");
                assertThat(d.get("src-rse").asText()).isEqualTo("SRC");
                assertThat(d.get("request-id").asText()).isNotEmpty();
                assertThat(d.has("transfer-id") && d.has("file-size") && d.has("activity") && d.has("reason"))
                        .isTrue();
            });
            GetResponse ruleOk = got.stream().filter(g -> "rule_ok".equals(header(g, "event_type"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no rule_ok message in " + queue));
            JsonNode body = JSON.readTree(ruleOk.getBody());
            assertThat(body.fieldNames()).toIterable().containsExactlyInAnyOrder("event_type", "payload", "created_at");
            assertThat(body.get("event_type").asText()).isEqualTo("rule_ok");
            assertThat(body.get("payload")).isEqualTo(JSON.readTree(
                    "{\"scope\": \"s\", \"name\": \"ds\", \"rule_id\": \"" + rule + "\"}"));
            assertThat(body.get("created_at").asText()).matches("2026-12-07 10:00:00(\\.\\d{6})?");
            assertThat(ruleOk.getProps().getDeliveryMode()).as("persistent").isEqualTo(2);
            assertThat(got).extracting(g -> header(g, "event_type")).contains("replica_available");
        }
        assertThat(amqp.runOnce(Partition.whole()).didWork()).as("nothing is sent twice").isFalse();
    }

    @Test
    void withTheBrokerDownEventsWaitInTheOutboxAndArriveWithoutAGapWhenItIsBack() throws Exception {
        List<String> emitted = new ArrayList<>(emit(25));
        drain(amqp);
        drain(stomp);
        node.stop();
        emitted.addAll(emit(25));
        long before = f.events.position("broker-amqp", -1);

        for (BrokerSink sink : List.of(amqp, stomp)) {
            assertThat(sink.runOnce(Partition.whole()).didWork()).isFalse();
            assertThat(sink.brokerDown()).isTrue();
        }
        assertThat(f.events.position("broker-amqp", -1)).as("the cursor waits").isEqualTo(before);
        assertThat(f.events.undelivered("broker-amqp", 0, List.of(), 1_000)).hasSize(25);
        assertThat(f.events.undelivered("broker-stomp", 0, List.of(), 1_000)).hasSize(25);

        node.start();
        drain(amqp);
        drain(stomp);
        assertThat(amqp.brokerDown()).isFalse();
        assertThat(stomp.brokerDown()).isFalse();

        for (String queue : List.of(AMQP_QUEUE, STOMP_QUEUE)) {
            List<String> got = take(queue).stream().map(BrokerSinkTest::eventId).toList();
            assertThat(new HashSet<>(got)).as("no gap in " + queue).containsExactlyInAnyOrderElementsOf(emitted);
            assertThat(got.size() - new HashSet<>(got).size()).as("duplicates in " + queue).isZero();
        }
    }

    @Test
    void aLateCommittedEventInsideTheOverlapIsSentAndNothingIsSentTwice() throws Exception {
        emit(3);
        drain(amqp);
        // A transaction that took its time: its event is older than what was already sent.
        f.clock.advance(Duration.ofSeconds(-30));
        List<String> late = emit(1);
        f.clock.advance(Duration.ofSeconds(30));
        drain(amqp);
        List<String> got = take(AMQP_QUEUE).stream().map(BrokerSinkTest::eventId).toList();
        assertThat(got).hasSize(4).containsAll(late).doesNotHaveDuplicates();
    }

    @Test
    void aStompErrorFrameFailsTheBatchAndNothingIsMarked() throws Exception {
        emit(2);
        BrokerSink bad = stompSink("/no-such-kind/x", 10);
        try {
            assertThat(bad.runOnce(Partition.whole()).didWork()).isFalse();
            assertThat(bad.brokerDown()).isTrue();
            assertThat(f.events.undelivered("broker-stomp", 0, List.of(), 10)).hasSize(2);
        } finally {
            bad.close();
        }
    }

    private List<String> emit(int n) {
        List<String> before = f.events.oldest(10_000).stream().map(Events.Event::id).toList();
        f.store.write(tx -> {
            for (int i = 0; i < n; i++) {
                Events.emit(tx, Events.REPLICA_AVAILABLE, Map.of("files", List.of("s:x" + i), "rse_ids", List.of("r")),
                        f.clock.millis());
            }
            return null;
        });
        List<String> now = new ArrayList<>(f.events.oldest(10_000).stream().map(Events.Event::id).toList());
        now.removeAll(before);
        return now;
    }

    private static void drain(BrokerSink sink) throws Exception {
        for (int i = 0; i < 100 && sink.runOnce(Partition.whole()).didWork(); i++) {
            // a batch per cycle until the outbox has nothing more for this sink
        }
    }

    private static String header(GetResponse g, String name) {
        Map<String, Object> headers = g.getProps().getHeaders() == null ? Map.of() : g.getProps().getHeaders();
        Object v = headers.get(name);
        return v == null ? null : v.toString();
    }

    /** AMQP carries the event id as message-id; STOMP as the event_id header. */
    private static String eventId(GetResponse g) {
        String id = g.getProps().getMessageId();
        return id != null ? id : header(g, "event_id");
    }

    private static List<GetResponse> take(String queue) throws Exception {
        List<GetResponse> got = new ArrayList<>();
        withChannel(ch -> {
            for (GetResponse g = ch.basicGet(queue, true); g != null; g = ch.basicGet(queue, true)) {
                got.add(g);
            }
        });
        return got;
    }

    private interface ChannelWork {
        void run(Channel ch) throws Exception;
    }

    private static void withChannel(ChannelWork work) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(node.amqpPort());
        factory.setClientProperties(new HashMap<>(factory.getClientProperties()));
        try (Connection c = factory.newConnection(); Channel ch = c.createChannel()) {
            work.run(ch);
        }
    }
}
