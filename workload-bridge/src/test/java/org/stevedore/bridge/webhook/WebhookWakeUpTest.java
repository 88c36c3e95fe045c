package org.stevedore.bridge.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.testing.StoreTest;

/**
 * The sender as the application runs it, on a daemon thread, but polling only every 5 minutes: a release followed by
 * a wake-up must be delivered long before that poll; without the wake-up it would wait for it.
 */
class WebhookWakeUpTest extends StoreTest {

    private static final Duration POLL = Duration.ofMinutes(5);
    /** Generous: the shared test machine can be very slow, and this is still far below the poll. */
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final WireMockServer consumer = new WireMockServer(options().dynamicPort());
    private final WakeUpSleeper sleeper = new WakeUpSleeper();
    private Daemon daemon;

    @BeforeEach
    void start() {
        consumer.start();
        consumer.stubFor(post(urlEqualTo("/h")).willReturn(aResponse().withStatus(204)));
        Clock clock = Clock.systemUTC();
        WebhookSettings settings = WebhookSettings.defaults();
        // The consumer is on this machine: allowed by name, as an operator would allow an internal consumer.
        WebhookTargets targets = WebhookTargets.of(List.of("localhost"));
        WebhookSender sender = new WebhookSender(new WebhookDeliveries(store, clock),
                WebhookSender.httpClient(settings, targets), targets, settings, clock, Math::random, sleeper);
        daemon = new Daemon(List.of(sender), new HeartbeatStore(store, clock, Duration.ofMinutes(10)),
                DaemonSettings.defaults().withIdleSleep(POLL).withStopTimeout(Duration.ofSeconds(5)), sleeper);
    }

    @AfterEach
    void stop() {
        daemon.close();
        consumer.stop();
    }

    @Test
    void aWakeUpAfterTheReleaseCommitsSendsWithoutWaitingForThePoll() throws Exception {
        store.run("CREATE (:BridgeTask {id: 't1', webhook_url: $url, webhook_secret: 's'})",
                Map.of("url", "http://localhost:" + consumer.port() + "/h"));
        daemon.start();
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (daemon.status().get(0).cycles() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(daemon.status().get(0).cycles()).as("the sender ran its first, empty cycle").isEqualTo(1);

        long released = System.nanoTime();
        store.write(tx -> {
            WebhookDeliveries.enqueue(tx, "t1", List.of("job-1"), 1, 1, System.currentTimeMillis());
            return null;
        });
        sleeper.wakeUp();

        deadline = System.nanoTime() + PATIENCE.toNanos();
        while (consumer.findAll(postRequestedFor(urlEqualTo("/h"))).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(consumer.findAll(postRequestedFor(urlEqualTo("/h")))).as("sent before the 5 min poll").hasSize(1);
        System.out.printf("webhook wake-up: release to consumer in %.1f ms%n", (System.nanoTime() - released) / 1e6);
    }
}
