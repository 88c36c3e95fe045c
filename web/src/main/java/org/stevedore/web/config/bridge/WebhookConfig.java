package org.stevedore.web.config.bridge;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.OkHttpClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.bridge.webhook.WakeUpSleeper;
import org.stevedore.bridge.webhook.WebhookSender;
import org.stevedore.bridge.webhook.WebhookSettings;
import org.stevedore.bridge.webhook.WebhookTargets;
import org.stevedore.catalog.daemon.Backoff;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.store.Store;
import org.stevedore.web.config.DaemonConfig.DaemonLifecycle;

/**
 * The workload bridge's webhook sender: its outbox store, the wake-up the release path calls after committing
 * ({@code webhookWakeUp.wakeUp()}), and the sender daemon with {@code stevedore.bridge.webhooks.threads} threads.
 */
@Configuration(proxyBeanMethods = false)
public class WebhookConfig {

    @Bean
    WebhookDeliveries webhookDeliveries(Store store, Clock clock) {
        return new WebhookDeliveries(store, clock);
    }

    /** Cuts the senders' idle wait short; call after a transaction that enqueued deliveries has committed. */
    @Bean
    WakeUpSleeper webhookWakeUp() {
        return new WakeUpSleeper();
    }

    @Bean
    WebhookSettings webhookSettings(WebhookProperties p) {
        return new WebhookSettings(p.connectTimeout(), p.requestTimeout(),
                new Backoff(p.retryBase(), p.retryMax()), p.maxAttempts(), p.batch());
    }

    /** Where webhooks may go: checked when a task is registered and again on every delivery. */
    @Bean
    WebhookTargets webhookTargets(WebhookProperties p) {
        try {
            return WebhookTargets.of(p.allowedHosts());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Bean
    DaemonLifecycle webhookSenderDaemon(WebhookProperties properties, WebhookSettings settings,
                                        WebhookDeliveries deliveries, WebhookTargets targets,
                                        WakeUpSleeper webhookWakeUp, Clock clock, HeartbeatStore heartbeats) {
        if (!properties.enabled()) {
            return new DaemonLifecycle(List.of());
        }
        OkHttpClient http = WebhookSender.httpClient(settings, targets);
        List<WebhookSender> senders = new ArrayList<>();
        for (int i = 0; i < properties.threads(); i++) {
            senders.add(new WebhookSender(deliveries, http, targets, settings, clock,
                    () -> ThreadLocalRandom.current().nextDouble(), webhookWakeUp));
        }
        DaemonSettings daemon = DaemonSettings.defaults().withIdleSleep(properties.pollInterval())
                .withStopTimeout(settings.connectTimeout().plus(settings.requestTimeout()).plus(Duration.ofSeconds(2)));
        return new DaemonLifecycle(List.of(new Daemon(senders, heartbeats, daemon, webhookWakeUp)));
    }
}
