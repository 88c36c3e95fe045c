package org.stevedore.web.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.stevedore.auth.pki.PkiBuilder;
import org.stevedore.auth.pki.TestPki;
import org.stevedore.catalog.store.Store;

/**
 * Base of the REST tests: the whole application on a random port with its embedded Neo4j in a temporary data
 * directory, shared by every test class (Spring caches the context), driven over HTTP with a root token. Before each
 * test everything but the schema and the root account is removed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ApiTest {

    private static final Path DATA;

    static {
        try {
            DATA = Files.createTempDirectory("stevedore-api-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("stevedore.data-dir", DATA::toString);
        registry.add("stevedore.api.max-body-size", () -> "1MB");
        // Low enough that a list over it fits in a 1 MB body.
        registry.add("stevedore.api.max-items", () -> "10000");
        registry.add("stevedore.neo4j.embedded-page-cache", () -> "64MB");
        // The release gate's full check runs once at start-up only: releases in tests come from events (wake-up, outbox).
        registry.add("stevedore.bridge.full-check", () -> "1h");
        // The auditor checks every new RSE on its own schedule; the tests run the check on request (POST), and the
        // auditor's own schedule is tested in transfer-agent.
        registry.add("stevedore.consistency.enabled", () -> "false");
        // The requests, rules and locks by state are counted afresh at every scrape, so tests see what they did.
        registry.add("stevedore.metrics.state-refresh", () -> "0s");
        // Copies to LOCAL_TAPE are confirmed on tape at the archive worker's next look, not after the emulated
        // migration delay: tests writing to tape wait for OK; archive confirmation has tests of its own.
        registry.add("stevedore.campaigns.local-tape.migration-delay", () -> "0s");
        registry.add("stevedore.archive-confirmation.poll", () -> "500ms");
        // Webhook consumers of the tests run on this machine: allowed by name (literal loopback addresses stay refused).
        registry.add("stevedore.bridge.webhooks.allowed-hosts", () -> "localhost");
        // HTTPS on a free port, trusting the test PKI (revoked, expired and untrusted certificates included).
        TestPki pki = TestPki.get();
        registry.add("stevedore.x509.port", () -> "0");
        registry.add("stevedore.x509.certificate", () -> pki.hostCertificate().toString());
        registry.add("stevedore.x509.private-key", () -> pki.hostKey().toString());
        registry.add("stevedore.x509.ca-directory", () -> pki.caDirectory().toString());
        registry.add("stevedore.x509.voms-directory", () -> pki.vomsDirectory().toString());
        registry.add("stevedore.policy.production-fqans", () -> TestPki.PRODUCTION_FQAN);
        // FTS servers that RSEs name are used with the test user's proxy (FTS3 emulators check its delegation).
        Path proxy = DATA.resolve("x509up");
        PkiBuilder.writeProxyFile(proxy, pki.proxy);
        registry.add("stevedore.transfer.fts.proxy", proxy::toString);
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected Store store;

    protected ApiClient api;

    /**
     * Empties the store for the test, but for root and the schema, and the heartbeats of the shared context's workers:
     * they are alive, and deleting their beats would make the health check report them dead until they beat again.
     */
    @BeforeEach
    void connectAsRoot() {
        store.run("""
                MATCH (n) WHERE NOT n:SchemaVersion AND NOT n:Heartbeat
                  AND NOT (n:Account AND n.account = 'root')
                  AND NOT (n:Identity AND EXISTS { (n)-[:MAPS_TO]->(:Account {account: 'root'}) })
                DETACH DELETE n
                """, Map.of());
        api = new ApiClient(port).withToken(rootToken());
    }

    protected String rootToken() {
        return token("root", rootPassword());
    }

    protected String token(String username, String password) {
        HttpResponse<String> r = new ApiClient(port).get("/auth/userpass",
                "X-Rucio-Username", username, "X-Rucio-Password", password);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.headers().firstValue("X-Rucio-Auth-Token").orElseThrow();
    }

    protected static String rootPassword() {
        try {
            return Files.readString(DATA.resolve("root-password")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static Path dataDir() {
        return DATA;
    }

    /**
     * Counts nodes and relationships, to prove a refused request changed nothing, less what the background workers
     * of the shared context write and consume on their own schedule: heartbeats, the updated-DID queue (the
     * re-evaluator takes what a setup's attachments queued), outbox events (the purge removes them) and the outbox
     * consumers' positions (the release worker's poll creates its own the first time it sees an event), and the
     * reaper's measured {@code storage} usage of posix RSEs.
     */
    protected long graphSize() {
        return store.read(tx -> tx.run("""
                MATCH (n) WHERE NOT n:Heartbeat AND NOT n:UpdatedDid AND NOT n:Event AND NOT n:OutboxPosition
                  AND NOT (n:RseUsage AND n.source = 'storage')
                RETURN count(n) + COUNT { ()-->(m) WHERE NOT (m:RseUsage AND m.source = 'storage') } AS n
                """).single().get("n").asLong());
    }

    protected void assertError(HttpResponse<String> r, int status, String exceptionClass, String messagePart) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("ExceptionClass")).hasValue(exceptionClass);
        Map<String, Object> body = ApiClient.json(r);
        assertThat(body.get("ExceptionClass")).isEqualTo(exceptionClass);
        assertThat((String) body.get("ExceptionMessage")).contains(messagePart);
        assertThat(r.headers().firstValue("ExceptionMessage").orElse("")).isNotEmpty();
    }

    @SuppressWarnings("unchecked")
    protected static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    protected static List<Map<String, Object>> dids(String scope, String... names) {
        return java.util.Arrays.stream(names).map(n -> Map.<String, Object>of("scope", scope, "name", n)).toList();
    }
}
