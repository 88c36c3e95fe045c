package org.stevedore.bridge.webhook;

import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.Proxy;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.bridge.store.WebhookDeliveries;
import org.stevedore.bridge.store.WebhookDeliveries.Attempt;
import org.stevedore.bridge.store.WebhookDeliveries.Due;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.daemon.WorkResult;
import org.stevedore.catalog.daemon.Worker;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.metrics.StevedoreMetrics;

/**
 * Sends the due webhook deliveries of its partition: a JSON POST to the task's URL with {@code Idempotency-Key} and,
 * when the task has a secret, an HMAC-SHA256 signature ({@link WebhookSignature}). A 2xx answer delivers; 408, 429,
 * 5xx, timeouts, connection errors and hosts that do not resolve are retried with exponential back-off and jitter up
 * to {@link WebhookSettings#maxAttempts()}; any other answer (a 4xx, a redirect) fails the delivery for good, and so
 * does a destination {@link WebhookTargets} refuses. What is recorded is the status and the error's class, never the
 * answer's body nor a message that could quote it: the deliveries are shown to the task's owner, who must not read
 * through them what an internal service answers. The deliveries of one cycle go out concurrently; their outcomes are
 * written in one batch.
 *
 * <p>Uses OkHttp because it lets the sender resolve host names itself: its {@link okhttp3.Dns} is
 * {@link WebhookTargets#addresses}, which resolves once, checks every address and hands exactly those to the
 * connection, so a name cannot resolve to a public address for the check and to an internal one for the connection.
 * TLS still verifies the certificate against, and sends SNI for, the URL's host name. Redirects are not followed,
 * no proxy is used, and connections are not kept, so every delivery's connection is checked anew.
 */
public final class WebhookSender implements Worker {

    public static final String EXECUTABLE = "bridge-webhook-sender";
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final MediaType JSON = MediaType.get("application/json");
    /** Hosts OkHttp connects to without asking its {@link okhttp3.Dns}: those that look like IP addresses. */
    private static final Pattern ADDRESS_LIKE = Pattern.compile("[0-9.]+|.*:.*");

    private final WebhookDeliveries deliveries;
    private final OkHttpClient http;
    private final WebhookTargets targets;
    private final WebhookSettings settings;
    private final Clock clock;
    private final DoubleSupplier random;
    private final WakeUpSleeper wakeUp;

    /**
     * @param http    a client from {@link #httpClient}; its resolver is {@code targets}
     * @param targets where deliveries may go (checked again on every delivery)
     */
    /** Delivery attempts by outcome; all three exist from the start, so a dashboard shows zeros, not nothing. */
    private static Counter deliveriesBy(String outcome) {
        return StevedoreMetrics.counter(StevedoreMetrics.WEBHOOK_DELIVERIES,
                "Webhook delivery attempts by outcome: delivered, retried later, failed for good",
                StevedoreMetrics.OUTCOME, outcome);
    }

    public WebhookSender(WebhookDeliveries deliveries, OkHttpClient http, WebhookTargets targets,
                         WebhookSettings settings, Clock clock, DoubleSupplier random, WakeUpSleeper wakeUp) {
        List.of("delivered", "retried", "failed").forEach(WebhookSender::deliveriesBy);
        this.deliveries = deliveries;
        this.http = http;
        this.targets = targets;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.wakeUp = wakeUp;
    }

    /**
     * The client the sender expects: HTTP/1.1, host names resolved and checked by {@code targets}, no redirects
     * followed, no retries of its own, no proxy, no kept connections, the settings' timeouts.
     */
    public static OkHttpClient httpClient(WebhookSettings settings, WebhookTargets targets) {
        Dispatcher dispatcher = new Dispatcher();
        // One cycle's deliveries all go out at once, as many of them to the same consumer.
        dispatcher.setMaxRequests(Math.max(64, settings.batch()));
        dispatcher.setMaxRequestsPerHost(Math.max(64, settings.batch()));
        return new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .dns(targets::addresses)
                .protocols(List.of(Protocol.HTTP_1_1))
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .proxy(Proxy.NO_PROXY)
                .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.requestTimeout())
                .writeTimeout(settings.requestTimeout())
                .build();
    }

    /** Call after committing new deliveries: the sleeping sender threads start a cycle now. */
    public void wakeUp() {
        wakeUp.wakeUp();
    }

    @Override
    public String executable() {
        return EXECUTABLE;
    }

    @Override
    public WorkResult runOnce(Partition partition) {
        List<Due> due = deliveries.claim(partition, settings.batch(), settings.lease());
        if (due.isEmpty()) {
            return WorkResult.nothing();
        }
        List<CompletableFuture<Sent>> sending = due.stream().map(this::send).toList();
        // Outcomes are judged here rather than on the HTTP client's threads, so their log lines carry this worker.
        List<Attempt> outcomes = sending.stream().map(CompletableFuture::join).map(this::judge).toList();
        deliveries.record(outcomes);
        for (Attempt a : outcomes) {
            deliveriesBy(switch (a.state()) {
                case DELIVERED -> "delivered";
                case FAILED -> "failed";
                default -> "retried";
            }).increment();
        }
        return WorkResult.of(due.size());
    }

    /** What became of one send: an answer (status and headers; the body is never read), an error, or a refusal. */
    private record Sent(Due due, int status, Headers headers, Throwable error, Attempt refused) {
    }

    private Attempt judge(Sent s) {
        if (s.refused() != null) {
            return s.refused();
        }
        return s.error() == null ? answered(s.due(), s.status(), s.headers()) : unreachable(s.due(), s.error());
    }

    private CompletableFuture<Sent> send(Due d) {
        HttpUrl url;
        try {
            url = HttpUrl.parse(WebhookTargets.parse(d.url()).toString());
            if (url == null) {
                return refused(d, "Webhook URL refused: '" + d.url() + "' is not a valid URL");
            }
            // The host as OkHttp will connect to it: an address is connected to without asking the resolver.
            if (ADDRESS_LIKE.matcher(url.host()).matches()) {
                targets.addresses(url.host());
            }
        } catch (InvalidObject e) {
            return refused(d, "Webhook URL refused: " + e.getMessage());
        } catch (WebhookTargets.Refused e) {
            return refused(d, "Webhook URL refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            return refused(d, "Webhook URL refused: its host is not an address");
        }
        long timestamp = clock.instant().getEpochSecond();
        Request.Builder request = new Request.Builder()
                .url(url)
                .header("User-Agent", "Stevedore-Webhook/1")
                .header(WebhookSignature.IDEMPOTENCY_HEADER, d.key())
                .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .header(WebhookSignature.ATTEMPT_HEADER, Integer.toString(d.attempt()))
                .post(RequestBody.create(d.payload().getBytes(StandardCharsets.UTF_8), JSON));
        // A task registered without a secret gets unsigned deliveries: there is nothing to sign with.
        if (d.secret() != null && !d.secret().isEmpty()) {
            request.header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(d.secret(), timestamp, d.payload()));
        }
        CompletableFuture<Sent> sent = new CompletableFuture<>();
        Call call = http.newCall(request.build());
        // The read timeout covers each wait for the answer; this bounds the whole exchange too.
        call.timeout().timeout(settings.connectTimeout().plus(settings.requestTimeout()).toMillis(), TimeUnit.MILLISECONDS);
        call.enqueue(new Callback() {
            @Override
            public void onFailure(Call c, IOException e) {
                sent.complete(new Sent(d, 0, null, e, null));
            }

            @Override
            public void onResponse(Call c, Response response) {
                // Closed unread: the status and headers are all a delivery keeps of an answer.
                try (response) {
                    sent.complete(new Sent(d, response.code(), response.headers(), null, null));
                }
            }
        });
        return sent;
    }

    private CompletableFuture<Sent> refused(Due d, String reason) {
        return CompletableFuture.completedFuture(new Sent(d, 0, null, null, gaveUp(d, null, reason)));
    }

    private Attempt answered(Due d, int status, Headers headers) {
        if (status >= 200 && status < 300) {
            log.info("Webhook delivery {} of task {} delivered: HTTP {} on attempt {}", d.key(), d.taskId(), status,
                    d.attempt());
            return Attempt.delivered(d.key(), status);
        }
        String reason = "HTTP " + status;
        if (status == 408 || status == 429 || status >= 500) {
            OptionalLong retryAfter = status == 429 || status == 503
                    ? retryAfterSeconds(headers.get("Retry-After")) : OptionalLong.empty();
            return retry(d, status, reason, retryAfter);
        }
        return gaveUp(d, status, reason);
    }

    private Attempt unreachable(Due d, Throwable error) {
        Optional<WebhookTargets.Refused> refused = refusal(error);
        if (refused.isPresent()) {
            return gaveUp(d, null, "Webhook URL refused: " + refused.get().getMessage());
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        String type = cause.getClass().getSimpleName();
        String reason;
        if (cause instanceof InterruptedIOException) {
            reason = "No answer within " + settings.requestTimeout().toMillis() + " ms";
        } else if (cause instanceof UnknownHostException) {
            reason = "Cannot resolve the host (" + type + ")";
        } else if (cause instanceof ConnectException) {
            reason = "Cannot connect (" + type + ")";
        } else if (cause instanceof IOException) {
            reason = "Connection failed (" + type + ")";
        } else {
            reason = "Sending failed (" + type + ")";
        }
        // The message stays in the service's log: it may quote what the other end sent.
        log.info("Webhook delivery {} of task {}: {}: {}", d.key(), d.taskId(), type, message(cause));
        return retry(d, null, reason, OptionalLong.empty());
    }

    /** The policy's refusal, wherever the HTTP client put it (thrown as is, as a cause or a suppressed exception). */
    private static Optional<WebhookTargets.Refused> refusal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof WebhookTargets.Refused r) {
                return Optional.of(r);
            }
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof WebhookTargets.Refused r) {
                    return Optional.of(r);
                }
            }
        }
        return Optional.empty();
    }

    private Attempt retry(Due d, Integer status, String reason, OptionalLong retryAfterSeconds) {
        if (d.attempt() >= settings.maxAttempts()) {
            return gaveUp(d, status, "Gave up after " + d.attempt() + " attempts; last: " + reason);
        }
        Duration wait = settings.retry().delay(d.attempt(), random.getAsDouble());
        if (retryAfterSeconds.isPresent()) {
            Duration asked = Duration.ofSeconds(Math.min(retryAfterSeconds.getAsLong(), settings.retry().max().toSeconds()));
            wait = asked.compareTo(wait) > 0 ? asked : wait;
        }
        Instant at = clock.instant().plus(wait);
        log.warn("Webhook delivery {} of task {} attempt {} failed ({}); retrying in {} ms", d.key(), d.taskId(),
                d.attempt(), reason, wait.toMillis());
        return Attempt.retryAt(d.key(), at, status, reason);
    }

    private Attempt gaveUp(Due d, Integer status, String reason) {
        log.warn("Webhook delivery {} of task {} failed for good on attempt {}: {}", d.key(), d.taskId(), d.attempt(),
                reason);
        return Attempt.failed(d.key(), status, reason);
    }

    private static OptionalLong retryAfterSeconds(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds >= 0 ? OptionalLong.of(seconds) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // an HTTP date: the back-off alone decides
        }
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return oneLine(m == null || m.isBlank() ? t.getClass().getSimpleName() : m);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
