package org.stevedore.transfer.storage;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.requestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WireMockTest
class WebDavStorageWireMockTest {

    private WebDavStorage dav;
    private String base;

    @BeforeEach
    void setUp(WireMockRuntimeInfo wireMock) {
        dav = new WebDavStorage(WebDavSettings.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(500)));
        // dav:// is WebDAV over plain HTTP; the same client serves davs:// over TLS.
        base = "dav://localhost:" + wireMock.getHttpPort();
    }

    @AfterEach
    void tearDown() throws IOException {
        dav.close();
    }

    @Test
    void statReadsSizeFromHeadAndAdler32FromTheDigestHeader() {
        stubFor(head(urlEqualTo("/data/f.root")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Length", "1234")
                .withHeader("Digest", "md5=HUXZLQLMuI/KZ5KDcJPcOA==, ADLER32=3DA0195")));

        assertThat(dav.stat(base + "/data/f.root")).contains(new StorageStat(1234, "03da0195"));
        verify(headRequestedFor(urlEqualTo("/data/f.root")).withHeader("Want-Digest", equalTo("adler32")));
    }

    @Test
    void statWithoutADigestHeaderHasNoChecksum() {
        stubFor(head(urlEqualTo("/data/f.root")).willReturn(aResponse().withStatus(200).withHeader("Content-Length", "7")));

        assertThat(dav.stat(base + "/data/f.root")).contains(new StorageStat(7, null));
    }

    @Test
    void statOfAMissingFileIsEmpty() {
        stubFor(head(urlEqualTo("/data/gone")).willReturn(aResponse().withStatus(404)));

        assertThat(dav.stat(base + "/data/gone")).isEmpty();
    }

    @Test
    void namesAreSentPercentEncoded() {
        stubFor(head(urlEqualTo("/data/run%201%25.root")).willReturn(aResponse().withStatus(200).withHeader("Content-Length", "1")));

        assertThat(dav.stat(base + "/data/run 1%.root")).isPresent();
    }

    @Test
    void deleteAnswersDeletedOn204AndAlreadyAbsentOn404() {
        stubFor(delete(urlEqualTo("/data/here")).willReturn(aResponse().withStatus(204)));
        stubFor(delete(urlEqualTo("/data/gone")).willReturn(aResponse().withStatus(404)));

        assertThat(dav.delete(base + "/data/here")).isEqualTo(Deletion.DELETED);
        assertThat(dav.delete(base + "/data/gone")).isEqualTo(Deletion.ALREADY_ABSENT);
        verify(deleteRequestedFor(urlEqualTo("/data/here")));
    }

    @Test
    void serverErrorsAreTransientAndKeepTheStatus() {
        stubFor(delete(urlEqualTo("/data/f")).willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> dav.delete(base + "/data/f"))
                .isInstanceOfSatisfying(TransientStorageException.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void forbiddenIsFatal() {
        stubFor(delete(urlEqualTo("/data/f")).willReturn(aResponse().withStatus(403)));
        stubFor(head(urlEqualTo("/data/f")).willReturn(aResponse().withStatus(401)));

        assertThatThrownBy(() -> dav.delete(base + "/data/f"))
                .isInstanceOfSatisfying(FatalStorageException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> dav.stat(base + "/data/f")).isInstanceOf(FatalStorageException.class);
    }

    @Test
    void aResetConnectionIsTransient() {
        stubFor(delete(urlEqualTo("/data/f")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> dav.delete(base + "/data/f"))
                .isInstanceOfSatisfying(TransientStorageException.class, e -> assertThat(e.status()).isZero());
    }

    @Test
    void aServerSilentBeyondTheSocketTimeoutIsTransient() {
        stubFor(head(urlEqualTo("/data/slow")).willReturn(aResponse().withStatus(200).withFixedDelay(3000)));

        assertThatThrownBy(() -> dav.stat(base + "/data/slow")).isInstanceOf(TransientStorageException.class);
    }

    @Test
    void aRefusedConnectionIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        assertThatThrownBy(() -> dav.delete("dav://localhost:" + closedPort + "/data/f"))
                .isInstanceOf(TransientStorageException.class);
    }

    @Test
    void mkdirsCreatesMissingParentsWhenTheServerAnswers409() {
        // /a/ exists; /a/b/ and /a/b/c/ do not: each child gives 409 until its parent was made
        stubFor(request("MKCOL", urlEqualTo("/a/b/c/")).inScenario("mkdirs").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(409)));
        stubFor(request("MKCOL", urlEqualTo("/a/b/")).inScenario("mkdirs").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(409)).willSetStateTo("b-tried"));
        stubFor(request("MKCOL", urlEqualTo("/a/")).willReturn(aResponse().withStatus(405)));
        stubFor(request("MKCOL", urlEqualTo("/a/b/")).inScenario("mkdirs").whenScenarioStateIs("b-tried")
                .willReturn(aResponse().withStatus(201)).willSetStateTo("b-made"));
        stubFor(request("MKCOL", urlEqualTo("/a/b/c/")).inScenario("mkdirs").whenScenarioStateIs("b-made")
                .willReturn(aResponse().withStatus(201)));

        dav.mkdirs(base + "/a/b/c");

        verify(2, requestedFor("MKCOL", urlEqualTo("/a/b/c/")));
        verify(2, requestedFor("MKCOL", urlEqualTo("/a/b/")));
        verify(1, requestedFor("MKCOL", urlEqualTo("/a/")));
    }

    @Test
    void mkdirsOfAnExistingCollectionIsFine() {
        stubFor(request("MKCOL", urlEqualTo("/a/")).willReturn(aResponse().withStatus(405)));

        dav.mkdirs(base + "/a/");

        verify(1, requestedFor("MKCOL", urlEqualTo("/a/")));
    }

    @Test
    void mkdirsThatStillConflictsAfterMakingParentsFailsInsteadOfLooping() {
        stubFor(request("MKCOL", urlEqualTo("/file/sub/")).willReturn(aResponse().withStatus(409)));
        stubFor(request("MKCOL", urlEqualTo("/file/")).willReturn(aResponse().withStatus(405)));

        assertThatThrownBy(() -> dav.mkdirs(base + "/file/sub"))
                .isInstanceOfSatisfying(FatalStorageException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void existsAsksPropfindAtDepthZero() {
        stubFor(request("PROPFIND", urlEqualTo("/data/dir")).withHeader("Depth", equalTo("0"))
                .willReturn(aResponse().withStatus(207).withHeader("Content-Type", "application/xml")
                        .withBody("<D:multistatus xmlns:D=\"DAV:\"><D:response><D:href>/data/dir/</D:href>"
                                + "<D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop>"
                                + "<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>")));
        stubFor(request("PROPFIND", urlEqualTo("/data/none")).willReturn(aResponse().withStatus(404)));

        assertThat(dav.exists(base + "/data/dir")).isTrue();
        assertThat(dav.exists(base + "/data/none")).isFalse();
    }

    @Test
    void existsFallsBackToHeadOnServersWithoutPropfind() {
        stubFor(request("PROPFIND", urlEqualTo("/data/f")).willReturn(aResponse().withStatus(405)));
        stubFor(head(urlEqualTo("/data/f")).willReturn(aResponse().withStatus(200).withHeader("Content-Length", "1")));

        assertThat(dav.exists("http://localhost:" + base.substring(base.lastIndexOf(':') + 1) + "/data/f")).isTrue();
    }

    @Test
    void digestHeaderParsingIgnoresOtherAlgorithmsAndMalformedValues() {
        assertThat(WebDavStorage.adler32("md5=abc, adler32=0A1B2C3D")).isEqualTo("0a1b2c3d");
        assertThat(WebDavStorage.adler32("md5=abc")).isNull();
        assertThat(WebDavStorage.adler32("adler32=not-hex")).isNull();
        assertThat(WebDavStorage.adler32(null)).isNull();
    }
}
