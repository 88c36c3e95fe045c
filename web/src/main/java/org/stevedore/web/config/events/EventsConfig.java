package org.stevedore.web.config.events;

import java.time.Duration;
import java.util.List;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.bridge.broker.AmqpPublisher;
import org.stevedore.bridge.broker.BrokerSink;
import org.stevedore.bridge.broker.Publisher;
import org.stevedore.bridge.broker.StompPublisher;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.web.config.DaemonConfig.DaemonLifecycle;

/**
 * The broker sinks of the event outbox, each a daemon ({@code broker-amqp}, {@code broker-stomp}) whose partition-0
 * holder alone sends, so one instance sends per sink however many run; each only when enabled.
 */
@Configuration(proxyBeanMethods = false)
public class EventsConfig {

    /** The outbox consumer and daemon name of the AMQP sink. */
    public static final String AMQP_SINK = "broker-amqp";
    /** The outbox consumer and daemon name of the STOMP sink. */
    public static final String STOMP_SINK = "broker-stomp";

    /** The AMQP sink; closed (its connection) by the context after its daemon stopped. */
    @Bean
    @ConditionalOnProperty(name = "stevedore.events.amqp.enabled", havingValue = "true")
    BrokerSink amqpEventsSink(EventsProperties p, Events events) {
        EventsProperties.Amqp a = p.amqp();
        return sink(AMQP_SINK, p, events, () -> new AmqpPublisher(new AmqpPublisher.Settings(a.host(), a.port(),
                a.virtualHost(), a.username(), a.password(), a.ssl(), a.exchange(), a.routingKey(),
                a.connectTimeout(), a.confirmTimeout())));
    }

    @Bean
    @ConditionalOnProperty(name = "stevedore.events.amqp.enabled", havingValue = "true")
    DaemonLifecycle amqpEventsDaemon(@Qualifier("amqpEventsSink") BrokerSink sink, EventsProperties p,
                                     HeartbeatStore heartbeats) {
        return daemon(sink, p, heartbeats);
    }

    /** The STOMP sink; closed (its connection) by the context after its daemon stopped. */
    @Bean
    @ConditionalOnProperty(name = "stevedore.events.stomp.enabled", havingValue = "true")
    BrokerSink stompEventsSink(EventsProperties p, Events events) {
        EventsProperties.Stomp s = p.stomp();
        return sink(STOMP_SINK, p, events, () -> new StompPublisher(new StompPublisher.Settings(s.host(), s.port(),
                s.virtualHost(), s.login(), s.passcode(), s.ssl(), s.destination(), s.heartBeat(),
                s.connectTimeout(), s.receiptTimeout())));
    }

    @Bean
    @ConditionalOnProperty(name = "stevedore.events.stomp.enabled", havingValue = "true")
    DaemonLifecycle stompEventsDaemon(@Qualifier("stompEventsSink") BrokerSink sink, EventsProperties p,
                                      HeartbeatStore heartbeats) {
        return daemon(sink, p, heartbeats);
    }

    private interface PublisherFactory {
        Publisher create();
    }

    private static BrokerSink sink(String name, EventsProperties p, Events events, PublisherFactory publisher) {
        try {
            return new BrokerSink(name, events, publisher.create(), new BrokerSink.Settings(p.batch(), p.overlap(),
                    p.types()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("stevedore.events: " + e.getMessage(), e);
        }
    }

    private static DaemonLifecycle daemon(BrokerSink sink, EventsProperties p, HeartbeatStore heartbeats) {
        return new DaemonLifecycle(List.of(new Daemon(List.of(sink), heartbeats, DaemonSettings.defaults()
                .withIdleSleep(p.pollInterval()).withStopTimeout(Duration.ofSeconds(15)))));
    }
}
