package org.stevedore.web.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.testsupport.Counterparts;
import org.stevedore.testsupport.RabbitNode;
import org.stevedore.web.support.ApiTest;

/**
 * The service wired with both broker sinks on (stevedore.events.amqp/stomp): an event committed into the outbox
 * reaches RabbitMQ over AMQP and over STOMP by the sinks' own daemons, with the destinations configured.
 */
class BrokerEventsRestTest extends ApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static RabbitNode node;

    @BeforeAll
    static void startNode() throws Exception {
        Counterparts.require(RabbitNode.installed(), "rabbitmq-server with its STOMP plugin (Debian package rabbitmq-server)");
        node = RabbitNode.start("service");
        try (Connection c = connection(); Channel ch = c.createChannel()) {
            ch.exchangeDeclare("site.events", "topic", true);
            ch.queueDeclare("from-amqp", true, false, false, null);
            ch.queueBind("from-amqp", "site.events", "rucio.#");
            ch.queueDeclare("from-stomp", true, false, false, null);
        }
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @DynamicPropertySource
    static void brokers(DynamicPropertyRegistry registry) {
        registry.add("stevedore.events.poll-interval", () -> "200ms");
        registry.add("stevedore.events.amqp.enabled", () -> "true");
        registry.add("stevedore.events.amqp.host", () -> "127.0.0.1");
        registry.add("stevedore.events.amqp.port", () -> node.amqpPort());
        registry.add("stevedore.events.amqp.exchange", () -> "site.events");
        registry.add("stevedore.events.amqp.routing-key", () -> "rucio.{event_type}");
        registry.add("stevedore.events.stomp.enabled", () -> "true");
        registry.add("stevedore.events.stomp.host", () -> "127.0.0.1");
        registry.add("stevedore.events.stomp.port", () -> node.stompPort());
        registry.add("stevedore.events.stomp.login", () -> "guest");
        registry.add("stevedore.events.stomp.passcode", () -> "guest");
        registry.add("stevedore.events.stomp.destination", () -> "/amq/queue/from-stomp");
    }

    private static Connection connection() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(node.amqpPort());
        return factory.newConnection();
    }

    @Test
    void aCommittedEventReachesBothBrokersThroughTheServicesDaemons() throws Exception {
        store.write(tx -> {
            Events.emit(tx, "RULE_OK", Map.of("scope", "s", "name", "ds", "rule_id", "r-1"), System.currentTimeMillis());
            return null;
        });
        for (String queue : List.of("from-amqp", "from-stomp")) {
            GetResponse got = null;
            try (Connection c = connection(); Channel ch = c.createChannel()) {
                long deadline = System.currentTimeMillis() + 60_000;
                while (got == null && System.currentTimeMillis() < deadline) {
                    got = ch.basicGet(queue, true);
                    if (got == null) {
                        Thread.sleep(100);
                    }
                }
            }
            assertThat(got).as("a message in " + queue).isNotNull();
            JsonNode body = JSON.readTree(got.getBody());
            assertThat(body.get("event_type").asText()).isEqualTo("rule_ok");
            assertThat(body.at("/payload/rule_id").asText()).isEqualTo("r-1");
            if (queue.equals("from-amqp")) {
                assertThat(got.getEnvelope().getRoutingKey()).isEqualTo("rucio.rule_ok");
            }
        }
    }
}
