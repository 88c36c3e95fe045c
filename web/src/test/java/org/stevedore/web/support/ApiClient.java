package org.stevedore.web.support;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A plain HTTP client for driving the running application as a Rucio client would. */
public final class ApiClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final String base;
    private String token;

    public ApiClient(int port) {
        this.base = "http://localhost:" + port;
    }

    public ApiClient withToken(String token) {
        this.token = token;
        return this;
    }

    /** Percent-encodes a path segment the way the Rucio client does (a '/' in a name becomes %2F). */
    public static String seg(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(request(path, headers).GET());
    }

    public HttpResponse<String> post(String path, Object body, String... headers) {
        return send(request(path, headers).POST(publisher(body)).header("Content-Type", "application/json"));
    }

    public HttpResponse<String> put(String path, Object body, String... headers) {
        return send(request(path, headers).PUT(publisher(body)).header("Content-Type", "application/json"));
    }

    public HttpResponse<String> delete(String path, Object body, String... headers) {
        HttpRequest.Builder b = request(path, headers);
        if (body == null) {
            b.DELETE();
        } else {
            b.method("DELETE", publisher(body)).header("Content-Type", "application/json");
        }
        return send(b);
    }

    /** Sends a raw body (for malformed-JSON tests). */
    public HttpResponse<String> postRaw(String path, String raw) {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(raw)).header("Content-Type", "application/json"));
    }

    public HttpResponse<String> send(HttpRequest.Builder builder) {
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("X-Rucio-Auth-Token", token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    private static HttpRequest.BodyPublisher publisher(Object body) {
        try {
            return body instanceof String s ? HttpRequest.BodyPublishers.ofString(s)
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, Object> json(HttpResponse<String> response) {
        try {
            return JSON.readValue(response.body(), new TypeReference<>() { });
        } catch (IOException e) {
            throw new AssertionError("Not a JSON object: " + response.body(), e);
        }
    }

    public static List<Object> jsonList(HttpResponse<String> response) {
        try {
            return JSON.readValue(response.body(), new TypeReference<>() { });
        } catch (IOException e) {
            throw new AssertionError("Not a JSON list: " + response.body(), e);
        }
    }

    /** Parses an x-json-stream answer of documents, one per line. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> docs(HttpResponse<String> response) {
        return lines(response).stream().map(o -> (Map<String, Object>) o).toList();
    }

    /** Parses an x-json-stream answer, one JSON value per line. */
    public static List<Object> lines(HttpResponse<String> response) {
        List<Object> out = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(JSON.readValue(line, Object.class));
                } catch (IOException e) {
                    throw new AssertionError("Not a JSON line: " + line, e);
                }
            }
        }
        return out;
    }
}
