package org.stevedore.web.config;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.bridge.outbox.OutboxPurger;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.web.config.DaemonConfig.DaemonLifecycle;

/** The purge of the event outbox: what every live consumer has read, and anything past the retention. */
@Configuration(proxyBeanMethods = false)
public class OutboxConfig {

    @Bean
    @ConditionalOnProperty(name = "stevedore.outbox.purge-enabled", havingValue = "true", matchIfMissing = true)
    DaemonLifecycle outboxPurgerDaemon(Events events, Clock clock, HeartbeatStore heartbeats, OutboxProperties p) {
        OutboxPurger purger = new OutboxPurger(events, clock, new OutboxPurger.Settings(p.retention(),
                p.consumerTimeout(), p.keepBehind(), p.purgeBatch()));
        return new DaemonLifecycle(List.of(new Daemon(List.of(purger), heartbeats, DaemonSettings.defaults()
                .withIdleSleep(p.purgeInterval()).withStopTimeout(Duration.ofSeconds(5)))));
    }
}
