package org.stevedore.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.bridge.webhook.WakeUpSleeper;
import org.stevedore.bridge.webhook.WebhookSender;
import org.stevedore.bridge.webhook.WebhookSettings;
import org.stevedore.bridge.webhook.WebhookTargets;
import org.stevedore.catalog.daemon.Daemon;
import org.stevedore.catalog.daemon.DaemonSettings;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.daemon.Partition;

/**
 * Webhooks of the workload bridge against a local consumer that answers 204 at once: enqueueing {@code files}
 * deliveries (one per task, 100 tasks released per transaction with {@code enqueueAll}), sending
 * them all through the sender's cycles, and the latency from a committed release plus wake-up to the consumer
 * receiving it, with the sender daemon otherwise polling only every 50 s.
 */
final class WebhookDelivery {

    private static final int TASKS_PER_TRANSACTION = 100;
    private static final int LATENCY_SAMPLES = 30;

    private final Options options;
    private final Clock clock;

    WebhookDelivery(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    Map<String, Object> run() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("scenario", Options.WEBHOOK_DELIVERY);
        f.put("deliveries", options.files());
        Map<String, Long> received = new ConcurrentHashMap<>();
        HttpServer consumer = consumer(received);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        consumer.setExecutor(pool);
        consumer.start();
        String url = "http://localhost:" + consumer.getAddress().getPort() + "/hook";
        try (TempStore temp = TempStore.open(options, "webhook")) {
            WebhookDeliveries deliveries = new WebhookDeliveries(temp.store(), clock);
            WebhookSettings settings = WebhookSettings.defaults();
            WakeUpSleeper sleeper = new WakeUpSleeper();
            // The consumer runs on this machine: allowed by name, as an operator would allow an internal consumer.
            WebhookTargets targets = WebhookTargets.of(List.of("localhost"));
            WebhookSender sender = new WebhookSender(deliveries, WebhookSender.httpClient(settings, targets), targets,
                    settings, clock, () -> ThreadLocalRandom.current().nextDouble(), sleeper);
            int n = options.files();
            List<String> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                tasks.add(String.format("bench-task-%07d", i));
            }
            // The bridge's own migration makes task ids unique (and indexed); this branch's schema does not have it.
            temp.store().run("CREATE CONSTRAINT bridge_task_id IF NOT EXISTS FOR (t:BridgeTask) REQUIRE t.id IS UNIQUE",
                    Map.of());
            temp.store().run("UNWIND $ids AS id CREATE (:BridgeTask {id: id, webhook_url: $url, webhook_secret: 'bench'})",
                    Map.of("ids", tasks, "url", url));

            long t0 = System.nanoTime();
            for (int from = 0; from < n; from += TASKS_PER_TRANSACTION) {
                List<String> chunk = tasks.subList(from, Math.min(n, from + TASKS_PER_TRANSACTION));
                List<WebhookDeliveries.Release> releases = chunk.stream()
                        .map(t -> new WebhookDeliveries.Release(t, List.of(t + "-job-1", t + "-job-2"), 1, 2)).toList();
                temp.store().write(tx -> {
                    WebhookDeliveries.enqueueAll(tx, releases, clock.millis());
                    return null;
                });
            }
            long enqueueNs = System.nanoTime() - t0;

            long t1 = System.nanoTime();
            int cycles = 0;
            while (sender.runOnce(Partition.whole()).didWork()) {
                cycles++;
            }
            long sendNs = System.nanoTime() - t1;
            if (received.size() != n) {
                throw new BenchmarkFailed("the consumer received " + received.size() + " distinct deliveries, not " + n);
            }
            f.put("enqueue_per_s", perSecond(n, enqueueNs));
            f.put("send_per_s", perSecond(n, sendNs));
            f.put("send_cycles", cycles);
            f.put("batch", settings.batch());
            f.put("latency_samples", LATENCY_SAMPLES);
            f.putAll(latency(temp, deliveries, sender, sleeper, url, received));
        } finally {
            consumer.stop(0);
            pool.shutdownNow();
        }
        return f;
    }

    /** Release (commit) plus wake-up to arrival at the consumer, one delivery at a time, with a daemon polling every 50 s. */
    private Map<String, Object> latency(TempStore temp, WebhookDeliveries deliveries, WebhookSender sender,
                                        WakeUpSleeper sleeper, String url, Map<String, Long> received) {
        temp.store().run("CREATE (:BridgeTask {id: 'latency', webhook_url: $url, webhook_secret: 'bench'})",
                Map.of("url", url));
        long[] nanos = new long[LATENCY_SAMPLES];
        try (Daemon daemon = new Daemon(List.of(sender), new HeartbeatStore(temp.store(), clock, Duration.ofMinutes(5)),
                DaemonSettings.defaults().withIdleSleep(Duration.ofSeconds(50)).withStopTimeout(Duration.ofSeconds(10)),
                sleeper)) {
            daemon.start();
            for (int i = 0; i < LATENCY_SAMPLES; i++) {
                String key = WebhookDeliveries.idempotencyKey("latency", i, i);
                long seq = i;
                long started = System.nanoTime();
                temp.store().write(tx -> {
                    WebhookDeliveries.enqueue(tx, "latency", List.of("job-" + seq), seq, seq, clock.millis());
                    return null;
                });
                sleeper.wakeUp();
                long deadline = started + Duration.ofSeconds(45).toNanos();
                while (!received.containsKey(key)) {
                    if (System.nanoTime() > deadline) {
                        throw new BenchmarkFailed("delivery " + key + " did not arrive within 45 s of its wake-up");
                    }
                    LockSupport.parkNanos(200_000); // the arrival time is taken by the consumer, not here
                }
                nanos[i] = received.get(key) - started;
            }
        }
        Arrays.sort(nanos);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("latency_p50_ms", millis(nanos[nanos.length / 2]));
        f.put("latency_p90_ms", millis(nanos[(int) Math.ceil(nanos.length * 0.9) - 1]));
        f.put("latency_max_ms", millis(nanos[nanos.length - 1]));
        return f;
    }

    private static HttpServer consumer(Map<String, Long> received) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 256);
            server.createContext("/hook", exchange -> {
                long at = System.nanoTime();
                exchange.getRequestBody().readAllBytes();
                received.putIfAbsent(exchange.getRequestHeaders().getFirst("Idempotency-Key"), at);
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double perSecond(long n, long nanos) {
        return Math.round(n / (nanos / 1e9) * 10) / 10.0;
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }
}
