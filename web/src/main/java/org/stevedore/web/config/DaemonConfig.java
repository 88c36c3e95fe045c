package org.stevedore.web.config;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.auth.session.ExpiredTokenCleaner;
import org.stevedore.catalog.account.TokenStore;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.store.Store;

/** The background workers of this process, on the catalog's daemon framework; started after the web server. */
@Configuration(proxyBeanMethods = false)
public class DaemonConfig {

    @Bean
    HeartbeatStore heartbeatStore(Store store, Clock clock) {
        return new HeartbeatStore(store, clock);
    }

    @Bean
    DaemonLifecycle tokenCleanerDaemon(TokenStore tokens, HeartbeatStore heartbeats, Store store) {
        return new DaemonLifecycle(new Daemon(List.of(new ExpiredTokenCleaner(tokens, store.batchSize())), heartbeats,
                DaemonSettings.defaults().withIdleSleep(Duration.ofSeconds(30)).withStopTimeout(Duration.ofSeconds(5))));
    }

    /** Starts a daemon with the application and stops it (heartbeats removed) before the store closes. */
    static final class DaemonLifecycle implements SmartLifecycle {
        private final Daemon daemon;
        private volatile boolean running;

        DaemonLifecycle(Daemon daemon) {
            this.daemon = daemon;
        }

        @Override
        public void start() {
            daemon.start();
            running = true;
        }

        @Override
        public void stop() {
            daemon.close();
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }
}
