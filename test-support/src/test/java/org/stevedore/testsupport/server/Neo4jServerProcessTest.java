package org.stevedore.testsupport.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.AuthenticationException;

/** The external Neo4j of the multi-instance tests: its own JVM, Bolt with a password, routing URI, kill -9. */
class Neo4jServerProcessTest {

    @TempDir
    Path dir;

    @Test
    void servesBoltWithAPasswordInItsOwnProcessThroughBothUrisAndDiesOnKill() {
        Neo4jServerProcess server = Neo4jServerProcess.start(dir.resolve("neo4j"));
        try {
            assertThat(server.pid()).isNotEqualTo(ProcessHandle.current().pid());
            try (Driver direct = GraphDatabase.driver(server.boltUri(),
                    AuthTokens.basic(server.username(), server.password()));
                 Session session = direct.session()) {
                session.executeWrite(tx -> tx.run("CREATE (:Probe {n: 1})").consume());
            }
            // The routing URI: the driver asks the server for a routing table and sends reads to its readers.
            try (Driver routing = GraphDatabase.driver(server.routingUri(),
                    AuthTokens.basic(server.username(), server.password()));
                 Session session = routing.session()) {
                long n = session.executeRead(tx -> tx.run("MATCH (p:Probe) RETURN count(p) AS n").single()
                        .get("n").asLong());
                assertThat(n).isEqualTo(1);
            }
            try (Driver wrong = GraphDatabase.driver(server.boltUri(), AuthTokens.basic("neo4j", "not-it"))) {
                assertThatThrownBy(wrong::verifyConnectivity).isInstanceOf(AuthenticationException.class);
            }
            server.kill();
            assertThat(server.isAlive()).isFalse();
        } finally {
            server.kill();
        }
    }
}
