package org.stevedore.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.AuthToken;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.exceptions.ClientException;

/**
 * The embedded server's Bolt port, open on localhost to every local user, asks for the generated password: a
 * client without it, or with a wrong one, is refused; with it, it reads and writes. Each test starts its own server
 * in a fresh home (not the shared test store), since the first start is what is tested.
 */
class EmbeddedAuthTest {

    private Path home;

    @BeforeEach
    void home() throws IOException {
        home = Files.createTempDirectory("stevedore-auth-neo4j");
    }

    @AfterEach
    void removeHome() throws IOException {
        try (Stream<Path> paths = Files.walk(home)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void connect(String uri, AuthToken auth) {
        try (Driver driver = GraphDatabase.driver(uri, auth); Session session = driver.session()) {
            session.run("CREATE (:Probe) RETURN 1").consume();
        }
    }

    @Test
    void boltRefusesClientsWithoutTheGeneratedPasswordAndAcceptsItOnEveryStart() throws IOException {
        String password;
        try (EmbeddedNeo4j server = EmbeddedNeo4j.start(home, 0, 32L << 20)) {
            Path file = BoltPassword.file(home);
            assertThat(file).isEqualTo(home.resolve("neo4j-password"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            password = BoltPassword.read(home).orElseThrow();
            assertThat(password).hasSizeGreaterThanOrEqualTo(40);

            assertThatThrownBy(() -> connect(server.boltUri(), AuthTokens.none()))
                    .isInstanceOfAny(AuthenticationException.class, ClientException.class);
            assertThatThrownBy(() -> connect(server.boltUri(), AuthTokens.basic("neo4j", "neo4j")))
                    .isInstanceOf(AuthenticationException.class);
            assertThatThrownBy(() -> connect(server.boltUri(), AuthTokens.basic("neo4j", password + "x")))
                    .isInstanceOf(AuthenticationException.class);
            connect(server.boltUri(), AuthTokens.basic("neo4j", password));
        }
        try (EmbeddedNeo4j again = EmbeddedNeo4j.start(home, 0, 32L << 20)) {
            assertThat(BoltPassword.read(home)).contains(password);
            connect(again.boltUri(), AuthTokens.basic("neo4j", password));
            assertThatThrownBy(() -> connect(again.boltUri(), AuthTokens.none()))
                    .isInstanceOfAny(AuthenticationException.class, ClientException.class);
        }
    }

    @Test
    void theServiceItselfAndAnExternalClientLogInWithThePassword() {
        try (Store owner = Store.open(StoreSettings.embedded(home))) {
            owner.run("CREATE (:Probe {id: 'p'})", Map.of());
            String password = BoltPassword.read(home).orElseThrow();
            StoreSettings external = new StoreSettings(owner.uri(), "neo4j", password, null, null, 0, 0, 0);
            try (Store client = Store.open(external)) {
                long probes = client.read(tx -> tx.run("MATCH (p:Probe) RETURN count(p) AS n").single().get("n").asLong());
                assertThat(probes).isEqualTo(1);
            }
            StoreSettings anonymous = new StoreSettings(owner.uri(), null, null, null, null, 0, 0, 0);
            assertThatThrownBy(() -> Store.open(anonymous)).isInstanceOfAny(AuthenticationException.class,
                    ClientException.class);
        }
    }

    @Test
    void aStoreWithoutPasswordFileGetsANewPasswordAndTheOldOneStopsWorking() throws IOException {
        String first;
        try (EmbeddedNeo4j server = EmbeddedNeo4j.start(home, 0, 32L << 20)) {
            first = BoltPassword.read(home).orElseThrow();
        }
        // A store from before authentication was on, or one whose operator removed the file to change the password.
        Files.delete(BoltPassword.file(home));
        try (EmbeddedNeo4j server = EmbeddedNeo4j.start(home, 0, 32L << 20)) {
            String second = BoltPassword.read(home).orElseThrow();
            assertThat(second).isNotEqualTo(first);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(BoltPassword.file(home))))
                    .isEqualTo("rw-------");
            connect(server.boltUri(), AuthTokens.basic("neo4j", second));
            assertThatThrownBy(() -> connect(server.boltUri(), AuthTokens.basic("neo4j", first)))
                    .isInstanceOf(AuthenticationException.class);
        }
    }
}
