package org.stevedore.web.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * A browser as far as the web UI's server side can tell, without a browser: it keeps the cookies the service sets
 * (by name; every UI cookie has Path=/ui), sends {@code Accept: text/html}, follows no redirect, and reads the
 * hidden CSRF field of the last page it loaded. For the fast web tests; the real browser runs in the e2e module.
 */
public final class UiClient {

    private static final Pattern HIDDEN_CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"");

    private final String base;
    private final HttpClient http;
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private String lastCsrf;

    public UiClient(int port) {
        this("http://localhost:" + port, HttpClient.newHttpClient());
    }

    public UiClient(String base, SSLContext ssl) {
        this(base, HttpClient.newBuilder().sslContext(ssl).build());
    }

    private UiClient(String base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    public HttpResponse<String> get(String path, String... headers) {
        return send(builder(path, headers).GET());
    }

    /** A form POST of {@code fields} (name, value pairs), exactly as given: no CSRF token is added. */
    public HttpResponse<String> postForm(String path, String... fields) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            body.append(body.isEmpty() ? "" : "&").append(enc(fields[i])).append('=').append(enc(fields[i + 1]));
        }
        return send(builder(path, "Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** Logs in through the form (GET for its token, POST), asserting the redirect to the dashboard. */
    public UiClient login(String username, String password) {
        get("/ui/login");
        HttpResponse<String> r = postForm("/ui/login", "_csrf", lastCsrf, "username", username, "password", password);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow()).endsWith("/ui/");
        return this;
    }

    /** The CSRF token in the hidden field of the last page loaded. */
    public String csrf() {
        return lastCsrf;
    }

    public String cookie(String name) {
        return cookies.get(name);
    }

    public void setCookie(String name, String value) {
        cookies.put(name, value);
    }

    /** Every Set-Cookie header of a response for cookie {@code name}. */
    public static List<String> setCookies(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).toList();
    }

    private HttpRequest.Builder builder(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "text/html,application/xhtml+xml");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        if (!cookies.isEmpty()) {
            b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) {
        HttpResponse<String> r;
        try {
            r = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (String c : r.headers().allValues("Set-Cookie")) {
            String pair = c.split(";", 2)[0];
            int eq = pair.indexOf('=');
            String name = pair.substring(0, eq);
            String value = pair.substring(eq + 1);
            if (value.isEmpty() || c.contains("Max-Age=0")) {
                cookies.remove(name);
            } else {
                cookies.put(name, value);
            }
        }
        Matcher m = HIDDEN_CSRF.matcher(r.body());
        if (m.find()) {
            lastCsrf = m.group(1);
        }
        return r;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
