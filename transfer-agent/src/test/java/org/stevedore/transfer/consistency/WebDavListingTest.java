package org.stevedore.transfer.consistency;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.grid.X509HttpClients;

/** PROPFIND Depth 1 walks against RFC 4918 multistatus answers, and the faults that must stop a listing. */
@WireMockTest
class WebDavListingTest {

    private CloseableHttpClient client;
    private WebDavListing listing;

    @BeforeEach
    void setUp(WireMockRuntimeInfo wireMock) {
        client = X509HttpClients.create(null, null, Duration.ofSeconds(10), Duration.ofSeconds(20), 4);
        listing = new WebDavListing(client, URI.create("http://localhost:" + wireMock.getHttpPort() + "/data"),
                Instant.now());
    }

    @AfterEach
    void tearDown() throws IOException {
        client.close();
    }

    private static String response(String href, boolean collection, String status) {
        return "<D:response><D:href>" + href + "</D:href><D:propstat><D:prop><D:resourcetype>"
                + (collection ? "<D:collection/>" : "") + "</D:resourcetype></D:prop><D:status>" + status
                + "</D:status></D:propstat></D:response>";
    }

    private static String multistatus(String... responses) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:multistatus xmlns:D=\"DAV:\">" + String.join("", responses)
                + "</D:multistatus>";
    }

    private static void stub(String path, int status, String body) {
        stubFor(request("PROPFIND", urlEqualTo(path)).withHeader("Depth", equalTo("1"))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/xml").withBody(body)));
    }

    private List<String> list() throws IOException {
        List<String> out = new ArrayList<>();
        try (StorageListing.Paths paths = listing.open()) {
            paths.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void walksCollectionsDepthFirstInPathOrderAndPassesOverWhatIsNoMember() throws IOException {
        String ok = "HTTP/1.1 200 OK";
        stub("/data/", 207, multistatus(response("/data/", true, ok), response("/data/a/", true, ok),
                response("http://localhost/data/a.b", false, ok), response("/data/with%20space", false, ok),
                // gone meanwhile: its own status is 404
                "<D:response><D:href>/data/gone</D:href><D:status>HTTP/1.1 404 Not Found</D:status></D:response>",
                // resourcetype not found (a 404 propstat): a file
                "<D:response><D:href>/data/noprops</D:href><D:propstat><D:prop><D:resourcetype/></D:prop>"
                        + "<D:status>HTTP/1.1 404 Not Found</D:status></D:propstat></D:response>",
                response("/elsewhere/x", false, ok), response("/data/../etc/passwd", false, ok)));
        stub("/data/a/", 207, multistatus(response("/data/a/", true, ok), response("/data/a/b", false, ok)));

        assertThat(list()).containsExactly("a.b", "a/b", "noprops", "with space");
    }

    @Test
    void aServerErrorOnAnyCollectionFailsTheListing() {
        String ok = "HTTP/1.1 200 OK";
        stub("/data/", 207, multistatus(response("/data/", true, ok), response("/data/a/", true, ok)));
        stub("/data/a/", 503, "busy");
        assertThatThrownBy(this::list).isInstanceOf(UncheckedIOException.class).hasMessageContaining("503");
    }

    @Test
    void aTruncatedAnswerFailsTheListing() {
        stub("/data/", 207, multistatus(response("/data/f1", false, "HTTP/1.1 200 OK")).substring(0, 120));
        assertThatThrownBy(this::list).isInstanceOf(IOException.class).hasMessageContaining("unreadable");
    }
}
