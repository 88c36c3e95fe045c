package org.stevedore.bridge.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * Publishes to an AMQP 0-9-1 broker (RabbitMQ) with publisher confirms: a batch is published on a confirm-mode channel
 * and counts as sent only when the broker has acknowledged every message ({@code waitForConfirmsOrDie}); a nack, a
 * timeout or a lost connection fails the batch, and the sink sends it again. Messages are persistent (delivery mode
 * 2), carry the outbox event id as {@code message-id}, {@code application/json}, and the event type as the AMQP
 * {@code type} and as an {@code event_type} header, like Hermes's STOMP header.
 *
 * <p>The exchange is not declared: the operator owns the broker's topology (the default {@code amq.topic} exists in
 * every RabbitMQ virtual host). A message no queue is bound for is confirmed and dropped by the broker: bind the
 * consumers' queues before enabling the sink.
 */
public final class AmqpPublisher implements Publisher {

    /**
     * @param routingKey the routing key; {@code {event_type}} in it is replaced by the message's event type
     */
    public record Settings(String host, int port, String virtualHost, String username, String password, boolean ssl,
            String exchange, String routingKey, Duration connectTimeout, Duration confirmTimeout) {
        public Settings {
            if (host == null || host.isBlank() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("AMQP host and port (1-65535) are required");
            }
            if (exchange == null || routingKey == null) {
                throw new IllegalArgumentException("AMQP exchange and routing key must be given ('' is allowed)");
            }
        }
    }

    private final Settings settings;
    private Connection connection;
    private Channel channel;

    public AmqpPublisher(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void publish(List<HermesMessage> messages) throws IOException, InterruptedException {
        if (messages.isEmpty()) {
            return;
        }
        try {
            Channel ch = channel();
            for (HermesMessage m : messages) {
                AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                        .contentType("application/json").contentEncoding("utf-8").deliveryMode(2)
                        .messageId(m.eventId()).type(m.eventType()).timestamp(Date.from(m.createdAt()))
                        .headers(Map.of("event_type", m.eventType())).build();
                ch.basicPublish(settings.exchange(), routingKey(m), false, props, m.body());
            }
            ch.waitForConfirmsOrDie(settings.confirmTimeout().toMillis());
        } catch (IOException | TimeoutException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException("AMQP publish to " + describe() + " failed: " + e, e);
        }
    }

    String routingKey(HermesMessage m) {
        return settings.routingKey().replace("{event_type}", m.eventType());
    }

    private Channel channel() throws IOException, TimeoutException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        close();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(settings.host());
        factory.setPort(settings.port());
        factory.setVirtualHost(settings.virtualHost());
        factory.setUsername(settings.username());
        factory.setPassword(settings.password());
        factory.setConnectionTimeout((int) settings.connectTimeout().toMillis());
        factory.setHandshakeTimeout((int) settings.connectTimeout().toMillis());
        // The sink reconnects itself on its next cycle and resends from its cursor; the client's own recovery would
        // only race it.
        factory.setAutomaticRecoveryEnabled(false);
        if (settings.ssl()) {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, null, null);
                factory.useSslProtocol(context);
                factory.enableHostnameVerification();
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot set up TLS for AMQP: " + e.getMessage(), e);
            }
        }
        connection = factory.newConnection("stevedore-events");
        channel = connection.createChannel();
        channel.confirmSelect();
        return channel;
    }

    @Override
    public String describe() {
        return (settings.ssl() ? "amqps://" : "amqp://") + settings.host() + ":" + settings.port()
                + settings.virtualHost() + " exchange '" + settings.exchange() + "'";
    }

    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        channel = null;
        if (c != null) {
            try {
                c.abort(1_000);
            } catch (RuntimeException ignored) {
                // closing a broken connection: nothing left to do
            }
        }
    }
}
