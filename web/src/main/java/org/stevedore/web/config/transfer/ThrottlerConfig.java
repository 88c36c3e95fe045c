package org.stevedore.web.config.transfer;

import java.time.Clock;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.transfer.conveyor.Throttler;
import org.stevedore.transfer.store.ThrottleStore;
import org.stevedore.transfer.store.TransferLimitStore;
import org.stevedore.web.config.DaemonConfig.DaemonLifecycle;

/** Transfer limits and the throttler that releases the requests they hold back. */
@Configuration(proxyBeanMethods = false)
public class ThrottlerConfig {

    @Bean
    TransferLimitStore transferLimitStore(Store store, Clock clock) {
        return new TransferLimitStore(store, clock);
    }

    @Bean
    DaemonLifecycle throttlerDaemon(Store store, Clock clock, HeartbeatStore heartbeats, ThrottlerProperties properties) {
        Throttler throttler = new Throttler(new ThrottleStore(store, clock), clock, properties.batch(),
                properties.sweepInterval());
        return new DaemonLifecycle(List.of(new Daemon(List.of(throttler), heartbeats, DaemonSettings.defaults()
                .withIdleSleep(properties.interval()).withStopTimeout(java.time.Duration.ofSeconds(5)))));
    }
}
