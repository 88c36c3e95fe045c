package org.stevedore.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Bookmark;
import org.neo4j.driver.exceptions.ClientException;
import org.stevedore.catalog.testing.StoreTest;

/**
 * What a Neo4j cluster needs from the store kernel, checked on the single test server: the {@code neo4j://} routing
 * URI, reads that are read transactions (so the driver may send them to secondaries) and a process-wide bookmark
 * chain so that a read sees this process's own earlier writes.
 */
class StoreClusterReadinessTest extends StoreTest {

    private Store client(String uri) {
        String password = BoltPassword.read(store.settings().embeddedHome()).orElseThrow();
        return Store.open(new StoreSettings(uri, BoltPassword.USER, password, null, null, 0, 0, 0));
    }

    @Test
    void theRoutingUriWorksAgainstASingleServer() {
        String routing = store.uri().replace("bolt://", "neo4j://");
        try (Store client = client(routing)) {
            client.run("CREATE (:Probe {id: 'through-routing'})", Map.of());
            String seen = client.read(tx -> tx.run("MATCH (p:Probe {id: 'through-routing'}) RETURN p.id AS id")
                    .single().get("id").asString());
            assertThat(seen).isEqualTo("through-routing");
            List<String> streamed = new ArrayList<>();
            client.stream("MATCH (p:Probe) RETURN p.id AS id", Map.of(), r -> streamed.add(r.get("id").asString()));
            assertThat(streamed).containsExactly("through-routing");
        }
    }

    @Test
    void streamedReadsAreReadTransactionsSoACLusterMaySendThemToASecondary() {
        // A write in a read transaction is refused by the server: proof that the transaction was opened for reading.
        assertThatThrownBy(() -> store.stream("CREATE (p:Probe) RETURN p", Map.of(), r -> { }))
                .isInstanceOf(ClientException.class);
        assertThatThrownBy(() -> store.read(tx -> tx.run("CREATE (p:Probe) RETURN p").consume()))
                .isInstanceOf(ClientException.class);
        long probes = store.read(tx -> tx.run("MATCH (p:Probe) RETURN count(p) AS n").single().get("n").asLong());
        assertThat(probes).isZero();
    }

    @Test
    void everyCommitMovesTheBookmarkThatLaterSessionsWaitFor() {
        store.run("CREATE (:Probe {id: 'one'})", Map.of());
        Set<Bookmark> afterFirst = store.bookmarks();
        assertThat(afterFirst).isNotEmpty();
        store.write(tx -> tx.run("CREATE (:Probe {id: 'two'})").consume());
        Set<Bookmark> afterSecond = store.bookmarks();
        assertThat(afterSecond).isNotEmpty().isNotEqualTo(afterFirst);
    }
}
