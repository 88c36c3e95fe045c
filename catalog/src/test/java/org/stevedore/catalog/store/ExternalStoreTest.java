package org.stevedore.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.testing.StoreTest;

/**
 * A configured URI makes the store a plain driver client of a server it did not start: here the shared test server,
 * reached over Bolt exactly as an external Neo4j or a cluster member would be.
 */
class ExternalStoreTest extends StoreTest {

    @Test
    void aConfiguredUriUsesThatServerAndStartsNothing() {
        store.run("CREATE (:Probe {id: 'written-by-the-embedded-owner'})", Map.of());
        // As a second instance would: the embedded server's user and the password from its file.
        String password = BoltPassword.read(store.settings().embeddedHome()).orElseThrow();
        StoreSettings external = new StoreSettings(store.uri(), BoltPassword.USER, password, null, null, 0, 0, 0);
        assertThat(external.isEmbedded()).isFalse();
        try (Store client = Store.open(external)) {
            assertThat(client.uri()).isEqualTo(store.uri());
            String seen = client.read(tx -> tx.run("MATCH (p:Probe) RETURN p.id AS id").single().get("id").asString());
            assertThat(seen).isEqualTo("written-by-the-embedded-owner");
            assertThat(new SchemaMigrator(client).currentVersion()).isEqualTo(Schema.latestVersion());
            client.run("CREATE (:Probe {id: 'written-by-the-client'})", Map.of());
        }
        // Closing the client closed only its driver: the server is still there with both writes.
        long probes = store.read(tx -> tx.run("MATCH (p:Probe) RETURN count(p) AS n").single().get("n").asLong());
        assertThat(probes).isEqualTo(2);
    }
}
