package org.stevedore.transfer.fts;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.time.Sleeper;
import org.stevedore.transfer.tool.TransferToolUnavailable;

/**
 * One FTS3 server over HTTP: sends a request, retrying connection errors, timeouts and 5xx with backoff within the
 * configured number of attempts. Every FTS3 call we make may be repeated safely (submissions carry deterministic
 * ids), so the retry does not look at the method.
 */
final class Fts3Http {

    static final MediaType JSON = MediaType.get("application/json");
    static final MediaType PEM = MediaType.get("application/x-pem-file");

    private static final Logger log = LoggerFactory.getLogger(Fts3Http.class);

    private final OkHttpClient http;
    private final HttpUrl base;
    private final Fts3Config config;
    private final Fts3Auth.BearerToken bearer;
    private final Sleeper sleeper;

    Fts3Http(OkHttpClient http, Fts3Config config, Fts3Auth auth, Sleeper sleeper) {
        this.http = http;
        this.config = config;
        this.base = HttpUrl.get(config.endpoint());
        this.bearer = auth instanceof Fts3Auth.BearerToken token ? token : null;
        this.sleeper = sleeper;
    }

    record Reply(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** A URL below the endpoint; {@code segments} are appended as they are (ids joined by commas stay literal). */
    HttpUrl.Builder url(String... segments) {
        HttpUrl.Builder url = base.newBuilder();
        for (String segment : segments) {
            url.addPathSegment(segment);
        }
        return url;
    }

    Reply get(HttpUrl url) {
        return send(new Request.Builder().url(url).get());
    }

    Reply delete(HttpUrl url) {
        return send(new Request.Builder().url(url).delete());
    }

    Reply post(HttpUrl url, String json) {
        return send(new Request.Builder().url(url).post(RequestBody.create(json, JSON)));
    }

    Reply put(HttpUrl url, String body, MediaType type) {
        return send(new Request.Builder().url(url).put(RequestBody.create(body, type)));
    }

    private Reply send(Request.Builder builder) {
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer.token());
        }
        builder.header("Accept", "application/json");
        Request request = builder.build();
        String what = request.method() + " " + request.url().encodedPath();
        Exception lastFault = null;
        for (int attempt = 1; ; attempt++) {
            try (Response response = http.newCall(request).execute()) {
                ResponseBody body = response.body();
                Reply reply = new Reply(response.code(), body == null ? "" : body.string());
                if (reply.status() < 500) {
                    return reply;
                }
                lastFault = null;
                log.warn("FTS {} answered {} to {} (attempt {} of {})", base, reply.status(), what, attempt,
                        config.maxAttempts());
                if (attempt >= config.maxAttempts()) {
                    throw new TransferToolUnavailable("FTS " + base + " answered " + reply.status() + " to " + what
                            + " " + config.maxAttempts() + " times: " + Fts3Json.errorMessage(reply.body()), null);
                }
            } catch (IOException e) {
                lastFault = e;
                log.warn("FTS {} unreachable for {} (attempt {} of {}): {}", base, what, attempt,
                        config.maxAttempts(), e.toString());
                if (attempt >= config.maxAttempts()) {
                    throw new TransferToolUnavailable("FTS " + base + " unreachable for " + what + " after "
                            + config.maxAttempts() + " attempts: " + e, e);
                }
            }
            pause(attempt, what, lastFault);
        }
    }

    private void pause(int failures, String what, Exception fault) {
        Duration delay = config.backoff().delay(failures, ThreadLocalRandom.current().nextDouble());
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransferToolUnavailable("interrupted while retrying " + what + " on FTS " + base, fault);
        }
    }

    String endpoint() {
        return base.toString();
    }
}
