package org.stevedore.transfer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocol;
import org.stevedore.testsupport.Counterparts;

/**
 * The WebDAV client against a real WebDAV server (nginx with dav and dav_ext), over plain HTTP on loopback. nginx does
 * not implement RFC 3230 Want-Digest, so sizes come back without a checksum here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebDavStorageNginxTest {

    private static final Logger log = LoggerFactory.getLogger(WebDavStorageNginxTest.class);

    private NginxDavServer nginx;
    private WebDavStorage dav;
    private String base;

    @BeforeAll
    void startNginx(@TempDir Path work) throws Exception {
        Optional<String> unavailable = NginxDavServer.unavailableReason();
        unavailable.ifPresent(reason -> log.warn("SKIPPING the real WebDAV server tests: {}", reason));
        Counterparts.require(unavailable.isEmpty(), "nginx with dav_ext (Debian package nginx-extras): "
                + unavailable.orElse(""));
        nginx = NginxDavServer.start(work);
        dav = new WebDavStorage(WebDavSettings.defaults().withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(10)));
        base = "dav://127.0.0.1:" + nginx.port();
    }

    @AfterAll
    void stopNginx() throws Exception {
        if (dav != null) {
            dav.close();
        }
        if (nginx != null) {
            nginx.close();
        }
    }

    @Test
    void mkdirsCreatesNestedCollectionsAndRepeatingItIsFine() {
        dav.mkdirs(base + "/rse1/data24/ab/cd");
        dav.mkdirs(base + "/rse1/data24/ab/cd");
        dav.mkdirs(base + "/rse1/data24/ab/cd/");

        assertThat(nginx.root().resolve("rse1/data24/ab/cd")).isDirectory();
        assertThat(dav.exists(base + "/rse1/data24/ab/cd")).isTrue();
    }

    @Test
    void statGivesTheSizeOfAFileAndNoChecksumBecauseNginxIgnoresWantDigest() throws Exception {
        Path file = Files.createDirectories(nginx.root().resolve("stat")).resolve("f.root");
        Files.write(file, new byte[123_456]);

        assertThat(dav.stat(base + "/stat/f.root")).contains(new StorageStat(123_456, null));
        assertThat(dav.exists(base + "/stat/f.root")).isTrue();
    }

    @Test
    void aMissingFileHasNoStatAndDoesNotExist() {
        assertThat(dav.stat(base + "/nowhere/f")).isEmpty();
        assertThat(dav.exists(base + "/nowhere/f")).isFalse();
    }

    @Test
    void deleteRemovesTheFileAndASecondDeleteFindsItAlreadyAbsent() throws Exception {
        Path file = Files.createDirectories(nginx.root().resolve("del")).resolve("f");
        Files.writeString(file, "bytes");

        assertThat(dav.delete(base + "/del/f")).isEqualTo(Deletion.DELETED);
        assertThat(file).doesNotExist();
        assertThat(dav.delete(base + "/del/f")).isEqualTo(Deletion.ALREADY_ABSENT);
    }

    @Test
    void mkdirsBelowAFileFailsFatallyInsteadOfLooping() throws Exception {
        Files.writeString(nginx.root().resolve("plain-file"), "x");

        assertThatThrownBy(() -> dav.mkdirs(base + "/plain-file/sub"))
                .isInstanceOfSatisfying(FatalStorageException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void pfnsBuiltByLfn2PfnReachTheFileEvenWithSpacesInTheName() throws Exception {
        RseProtocol http = new RseProtocol("http", "127.0.0.1", nginx.port(), "/rse2/", "webdav",
                1, 1, 1, 1, 1, 1, 1, 1, Map.of());
        String path = Lfn2Pfn.hash("user.jdoe", "my file #1.root");
        String pfn = Lfn2Pfn.pfn(http, path);

        dav.mkdirs(pfn.substring(0, pfn.lastIndexOf('/')));
        Files.writeString(nginx.root().resolve("rse2").resolve(path), "content", StandardCharsets.UTF_8);

        assertThat(dav.stat(pfn)).map(StorageStat::size).contains(7L);
        assertThat(dav.delete(pfn)).isEqualTo(Deletion.DELETED);
        assertThat(nginx.root().resolve("rse2").resolve(path)).doesNotExist();
    }
}
