package org.stevedore.transfer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StorageProtocolsTest {

    @Test
    void choosesPosixForFileAndOneWebDavClientForTheHttpSchemes() throws Exception {
        try (StorageProtocols protocols = StorageProtocols.standard(WebDavSettings.defaults())) {
            assertThat(protocols.forPfn("file:///data/x")).isInstanceOf(PosixStorage.class);
            StorageProtocol davs = protocols.forPfn("davs://se.example.org:443/x");
            assertThat(davs).isInstanceOf(WebDavStorage.class);
            assertThat(protocols.forScheme("https")).isSameAs(davs);
            assertThat(protocols.forScheme("http")).isSameAs(davs);
            assertThat(protocols.forScheme("DAVS")).isSameAs(davs);
        }
    }

    @Test
    void anUnknownSchemeIsFatalAndNamesTheKnownOnes() throws Exception {
        try (StorageProtocols protocols = StorageProtocols.standard(WebDavSettings.defaults())) {
            assertThatThrownBy(() -> protocols.forPfn("root://eos.example.org//eos/x"))
                    .isInstanceOf(FatalStorageException.class)
                    .hasMessageContaining("'root'")
                    .hasMessageContaining("davs");
            assertThatThrownBy(() -> protocols.forPfn("/no/scheme")).isInstanceOf(FatalStorageException.class);
        }
    }

    @Test
    void adler32IsNormalisedToEightLowerCaseHexDigits() {
        assertThat(Adler32Checksum.normalize("3DA0195")).isEqualTo("03da0195");
        assertThatThrownBy(() -> Adler32Checksum.normalize("xyz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Adler32Checksum.normalize("123456789")).isInstanceOf(IllegalArgumentException.class);
    }
}
