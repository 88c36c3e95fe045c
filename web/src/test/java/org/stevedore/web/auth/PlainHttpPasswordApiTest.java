package org.stevedore.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.stevedore.catalog.store.Store;
import org.stevedore.web.support.ApiClient;

/**
 * The plain HTTP connector listening on every interface: a password login reaching it on a non-loopback address is
 * refused (401 in Rucio's shape, saying what to do) without a token being written, one on the loopback address is
 * taken. Its own application (own data directory, no HTTPS), closed after the class.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PlainHttpPasswordApiTest {

    private static final Path DATA;

    static {
        try {
            DATA = Files.createTempDirectory("stevedore-plain-http-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("stevedore.data-dir", DATA::toString);
        registry.add("stevedore.neo4j.embedded-page-cache", () -> "64MB");
        registry.add("stevedore.x509.enabled", () -> "false");
        registry.add("stevedore.local-rses", () -> "false");
        registry.add("server.address", () -> "0.0.0.0");
    }

    @LocalServerPort
    int port;

    @Autowired
    Store store;

    private long tokens() {
        return store.read(tx -> tx.run("MATCH (t:Token) RETURN count(t) AS n").single().get("n").asLong());
    }

    private HttpResponse<String> userpass(String host) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/auth/userpass"))
                .timeout(Duration.ofSeconds(30))
                .header("X-Rucio-Username", "root").header("X-Rucio-Password", rootPassword()).GET().build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String rootPassword() {
        try {
            return Files.readString(DATA.resolve("root-password")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An IPv4 address of this machine that is not loopback, if it has one. */
    private static Optional<String> externalAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return Optional.of(a.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    @Test
    void aPasswordOverPlainHttpOnANonLoopbackAddressIsRefusedAndOnLoopbackTaken() {
        Optional<String> external = externalAddress();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to connect to");

        long before = tokens();
        HttpResponse<String> refused = userpass(external.get());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
        assertThat(refused.headers().firstValue("ExceptionClass")).hasValue("CannotAuthenticate");
        assertThat(refused.headers().firstValue("X-Rucio-Auth-Token")).isEmpty();
        Map<String, Object> body = ApiClient.json(refused);
        assertThat(body.get("ExceptionClass")).isEqualTo("CannotAuthenticate");
        assertThat((String) body.get("ExceptionMessage")).contains("plain HTTP").contains("HTTPS")
                .contains("stevedore.auth.userpass-over-plain-http=true");
        assertThat(tokens()).isEqualTo(before);

        HttpResponse<String> taken = userpass("127.0.0.1");
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(200);
        assertThat(taken.headers().firstValue("X-Rucio-Auth-Token")).isPresent();
    }
}
