package org.stevedore.e2e;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A small JSON client of the API for the end-to-end tests, as a Rucio client drives it over HTTP. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String token;

    Http(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** Logs in with a password and answers a client holding the session's token. */
    static Http login(String base, String account, String password) {
        Http anonymous = new Http(base, null);
        HttpResponse<String> r = anonymous.send(HttpRequest.newBuilder(URI.create(base + "/auth/userpass"))
                .header("X-Rucio-Account", account).header("X-Rucio-Username", account)
                .header("X-Rucio-Password", password).GET());
        if (r.statusCode() != 200) {
            throw new AssertionError("login failed: " + r.statusCode() + " " + r.body());
        }
        return new Http(base, r.headers().firstValue("X-Rucio-Auth-Token").orElseThrow());
    }

    /** The same session against another instance: sessions live in the shared store. */
    Http at(String otherBase) {
        return new Http(otherBase, token);
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET());
    }

    HttpResponse<String> post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").POST(body(body)));
    }

    HttpResponse<String> put(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").PUT(body(body)));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
        if (token != null) {
            b.header("X-Rucio-Auth-Token", token);
        }
        return b;
    }

    private static HttpRequest.BodyPublisher body(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) {
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Asserts the status and answers the body. */
    static String expect(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) {
            throw new AssertionError(r.request().method() + " " + r.uri() + ": expected " + status + ", got "
                    + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static Map<String, Object> object(String body) {
        try {
            return JSON.readValue(body, new TypeReference<>() { });
        } catch (IOException e) {
            throw new AssertionError("Not a JSON object: " + body, e);
        }
    }

    static List<Object> list(String body) {
        try {
            return JSON.readValue(body, new TypeReference<>() { });
        } catch (IOException e) {
            throw new AssertionError("Not a JSON list: " + body, e);
        }
    }

    /** An x-json-stream answer: one JSON object per line. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> lines(String body) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                out.add(object(line));
            }
        }
        return out;
    }
}
