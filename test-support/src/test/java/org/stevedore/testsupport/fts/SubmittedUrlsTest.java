package org.stevedore.testsupport.fts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The emulator's check of the URLs of a submitted file, done by hand for speed: what it takes and refuses. */
class SubmittedUrlsTest {

    @ParameterizedTest
    @ValueSource(strings = {"davs://dcache.example.org:2880/pnfs/example.org/data/f1",
            "https://[2001:db8::1]:8443/data/f1", "root://eos.example.org//eos/data/f1", "davs://se.example.org/",
            "srm+https://srm.example.org:8443/data/f1", "gsiftp://10.0.0.1/data/f1"})
    void takesWhatFtsTakes(String url) {
        assertThat(SubmittedUrls.valid(url)).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"davs://se.example.org", "se.example.org/data/f1", "://se.example.org/data/f1",
            "davs:///data/f1", "davs://se.example.org:/data/f1", "davs://se.example.org:28a0/data/f1",
            "davs://se example.org/data/f1", "davs://se.example.org/data/f 1", "1davs://se.example.org/data/f1",
            "davs://user@se.example.org/data/f1", "davs://se_1.example.org/data/f1", "https://[]/data/f1",
            "https://[2001:db8::1/data/f1", "file:///tmp/f1", ""})
    void refusesAUrlWithoutSchemeHostAndPath(String url) {
        assertThatThrownBy(() -> SubmittedUrls.valid(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid URL " + url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file://localhost/tmp/f1", "file://host.example.org/data/f1"})
    void refusesLocalFiles(String url) {
        assertThatThrownBy(() -> SubmittedUrls.valid(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Can not transfer local files: " + url);
    }
}
