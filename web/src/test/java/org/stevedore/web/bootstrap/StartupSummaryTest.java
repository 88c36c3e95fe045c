package org.stevedore.web.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.stevedore.web.bootstrap.StartupSummary.Endpoint;

/** The start-up line names URLs a newcomer can paste, the password file only when there is one, and the catalog. */
class StartupSummaryTest {

    @Test
    void namesEachConnectorsUrlThePasswordFileAndTheCatalog() {
        String line = StartupSummary.summary(List.of(new Endpoint("http", "localhost", 8080),
                new Endpoint("https", "localhost", 8443)), Path.of("/srv/data/root-password"), "embedded, /srv/data/neo4j");

        assertThat(line).contains("http://localhost:8080 (tokens and passwords)",
                "https://localhost:8443 (X509/VOMS and passwords)",
                "password in /srv/data/root-password", "Catalog: embedded, /srv/data/neo4j");
    }

    @Test
    void aDeploymentWithoutThePasswordFileIsNotSentLookingForOne() {
        String line = StartupSummary.summary(List.of(new Endpoint("http", "::1", 8080)), null, "bolt://db:7687");

        assertThat(line).contains("http://[::1]:8080").doesNotContain("password in");
    }
}
