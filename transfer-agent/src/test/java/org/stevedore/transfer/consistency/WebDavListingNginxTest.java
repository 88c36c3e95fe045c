package org.stevedore.transfer.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.grid.X509HttpClients;
import org.stevedore.testsupport.Counterparts;
import org.stevedore.transfer.storage.NginxDavServer;

/**
 * The WebDAV listing against a real WebDAV server (nginx with dav and dav_ext), over plain HTTP on loopback: nginx
 * answers {@code PROPFIND} with {@code Depth: 1} only one level down, so a nested tree is listed only by walking it;
 * its hrefs percent-encode names with spaces, percent signs and non-ASCII letters, which must come back as the
 * storage's own names; and a prefix that does not exist fails the listing instead of listing nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebDavListingNginxTest {

    private static final Logger log = LoggerFactory.getLogger(WebDavListingNginxTest.class);

    private NginxDavServer nginx;
    private CloseableHttpClient client;

    @BeforeAll
    void startNginx(@TempDir Path work) throws Exception {
        Optional<String> unavailable = NginxDavServer.unavailableReason();
        unavailable.ifPresent(reason -> log.warn("SKIPPING the real WebDAV listing tests: {}", reason));
        Counterparts.require(unavailable.isEmpty(), "nginx with dav_ext (Debian package nginx-extras): "
                + unavailable.orElse(""));
        nginx = NginxDavServer.start(work);
        client = X509HttpClients.create(null, null, Duration.ofSeconds(5), Duration.ofSeconds(10), 4);
    }

    @AfterAll
    void stopNginx() throws Exception {
        if (client != null) {
            client.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    private List<String> list(String prefix) throws IOException {
        WebDavListing listing = new WebDavListing(client,
                URI.create("http://127.0.0.1:" + nginx.port() + prefix), Instant.now());
        List<String> out = new ArrayList<>();
        try (StorageListing.Paths paths = listing.open()) {
            paths.forEachRemaining(out::add);
            assertThat(paths.refused()).as("nothing nginx answers is refused").isZero();
        }
        return out;
    }

    private void put(String relative) throws IOException {
        Path file = nginx.root().resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, relative);
    }

    @Test
    void aNestedTreeIsWalkedToEveryDepthInThePathOrderOfTheCatalog() throws IOException {
        List<String> files = List.of("rse1/data/ab/cd/raw.0001", "rse1/data/ab/cd/raw.0002", "rse1/data/ab/f",
                "rse1/data/ab-c/x", "rse1/data/ab.c", "rse1/data/z/y/x/w/v/deep.root", "rse1/data/top");
        for (String f : files) {
            put(f);
        }
        Files.createDirectories(nginx.root().resolve("rse1/data/empty/dir"));
        // Outside the prefix: never listed.
        put("rse1/other/not-mine");

        List<String> expected = files.stream().map(f -> f.substring("rse1/data/".length())).sorted().toList();
        assertThat(list("/rse1/data")).containsExactlyElementsOf(expected);
        assertThat(list("/rse1/data/")).containsExactlyElementsOf(expected);
    }

    @Test
    void namesWithSpacesPercentSignsAndNonAsciiLettersComeBackAsTheStoragesNames() throws IOException {
        List<String> files = List.of("rse2/data/with space/file name.root", "rse2/data/100%/a%20b",
                "rse2/data/plus+sign", "rse2/data/Überlauf/ä.root", "rse2/data/semi;colon&amp=1",
                "rse2/data/q?mark");
        for (String f : files) {
            put(f);
        }
        List<String> expected = files.stream().map(f -> f.substring("rse2/data/".length())).sorted().toList();
        assertThat(list("/rse2/data")).containsExactlyElementsOf(expected);
    }

    @Test
    void aPrefixThatDoesNotExistFailsTheListing() {
        assertThatThrownBy(() -> list("/nosuch/prefix")).isInstanceOfAny(IOException.class,
                UncheckedIOException.class).hasMessageContaining("404");
    }

    @Test
    void aPrefixThatIsAFileFailsTheListing() throws IOException {
        put("rse3/plainfile");
        assertThatThrownBy(() -> list("/rse3/plainfile")).isInstanceOfAny(IOException.class,
                UncheckedIOException.class);
    }
}
