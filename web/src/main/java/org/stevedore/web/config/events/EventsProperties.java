package org.stevedore.web.config.events;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The outbox's events sent to message brokers, under {@code stevedore.events.*}: AMQP 0-9-1 (RabbitMQ) and STOMP 1.2
 * (ActiveMQ, Artemis, RabbitMQ's STOMP plugin), each off by default, in Rucio's Hermes message shape.
 *
 * @param batch        events per publish: one broker confirmation and one marking transaction
 * @param pollInterval how long a sink with nothing to send (or a broker that is down) waits before looking again
 * @param overlap      how far before its cursor a sink reads again for events whose transaction committed late
 *                     (keep it below {@code stevedore.outbox.keep-behind})
 * @param types        outbox event types sent, e.g. {@code RULE_OK}; empty: all
 */
@Validated
@ConfigurationProperties("stevedore.events")
public record EventsProperties(
        @DefaultValue("200") @Min(1) @Max(10_000) int batch,
        @DefaultValue("2s") @NotNull Duration pollInterval,
        @DefaultValue("60s") @NotNull Duration overlap,
        @DefaultValue List<String> types,
        @DefaultValue @Valid Amqp amqp,
        @DefaultValue @Valid Stomp stomp) {

    /**
     * The AMQP sink ({@code stevedore.events.amqp.*}); publisher confirms.
     *
     * @param enabled        whether this service sends to the AMQP broker (one instance sends at a time)
     * @param routingKey     the routing key; {@code {event_type}} is replaced by the message's event type
     * @param exchange       the exchange, which must exist (not declared); {@code amq.topic} exists in every vhost
     * @param confirmTimeout how long the broker may take to confirm a batch before it is sent again
     */
    public record Amqp(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("localhost") @NotBlank String host,
            @DefaultValue("5672") @Min(1) @Max(65_535) int port,
            @DefaultValue("/") @NotNull String virtualHost,
            @DefaultValue("guest") @NotNull String username,
            @DefaultValue("guest") @NotNull String password,
            @DefaultValue("false") boolean ssl,
            @DefaultValue("amq.topic") @NotNull String exchange,
            @DefaultValue("stevedore.{event_type}") @NotNull String routingKey,
            @DefaultValue("5s") @NotNull Duration connectTimeout,
            @DefaultValue("10s") @NotNull Duration confirmTimeout) {
    }

    /**
     * The STOMP sink ({@code stevedore.events.stomp.*}); a RECEIPT per message.
     *
     * @param enabled        whether this service sends to the STOMP broker (one instance sends at a time)
     * @param virtualHost    the CONNECT {@code host} header (RabbitMQ: the virtual host)
     * @param login          the CONNECT login; empty: none sent
     * @param destination    where messages go, e.g. {@code /topic/rucio.events} as Hermes's {@code destination}
     * @param heartBeat      heart-beat interval offered both ways; zero: none
     * @param receiptTimeout how long the broker may take to receipt a batch before it is sent again
     */
    public record Stomp(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("localhost") @NotBlank String host,
            @DefaultValue("61613") @Min(1) @Max(65_535) int port,
            @DefaultValue("/") @NotNull String virtualHost,
            @DefaultValue("") @NotNull String login,
            @DefaultValue("") @NotNull String passcode,
            @DefaultValue("false") boolean ssl,
            @DefaultValue("/topic/stevedore.events") @NotBlank String destination,
            @DefaultValue("10s") @NotNull Duration heartBeat,
            @DefaultValue("5s") @NotNull Duration connectTimeout,
            @DefaultValue("10s") @NotNull Duration receiptTimeout) {
    }
}
