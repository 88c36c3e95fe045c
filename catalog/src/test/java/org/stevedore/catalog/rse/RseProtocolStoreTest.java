package org.stevedore.catalog.rse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.InvalidValueForKey;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.error.RSEProtocolNotSupported;
import org.stevedore.catalog.testing.StoreTest;

class RseProtocolStoreTest extends StoreTest {

    private final RseStore rses = new RseStore(store);
    private final RseProtocolStore protocols = new RseProtocolStore(store);

    @BeforeEach
    void anRse() {
        rses.add("SITE_DISK");
    }

    private static Map<String, Object> davs(String host, int port) {
        return Map.of(
                "scheme", "davs", "hostname", host, "port", port, "prefix", "/pnfs/example.org/data/",
                "impl", "rucio.rse.protocols.gfal.Default",
                "domains", Map.of(
                        "lan", Map.of("read", 1, "write", 1, "delete", 1),
                        "wan", Map.of("read", 1, "write", 2, "delete", 1,
                                "third_party_copy_read", 1, "third_party_copy_write", 3)),
                "extended_attributes", Map.of("tpc", "pull", "space_token", "DATADISK"));
    }

    @Test
    void addedProtocolIsReadBackFromRucioDocument() {
        protocols.add("SITE_DISK", davs("se.example.org", 443));

        List<RseProtocol> listed = protocols.list("SITE_DISK");
        assertThat(listed).hasSize(1);
        RseProtocol p = listed.get(0);
        assertThat(p.scheme()).isEqualTo("davs");
        assertThat(p.hostname()).isEqualTo("se.example.org");
        assertThat(p.port()).isEqualTo(443);
        assertThat(p.prefix()).isEqualTo("/pnfs/example.org/data/");
        assertThat(p.impl()).isEqualTo("rucio.rse.protocols.gfal.Default");
        assertThat(List.of(p.readLan(), p.writeLan(), p.deleteLan())).containsExactly(1, 1, 1);
        assertThat(List.of(p.readWan(), p.writeWan(), p.deleteWan(), p.thirdPartyCopyRead(), p.thirdPartyCopyWrite()))
                .containsExactly(1, 2, 1, 1, 3);
        assertThat(p.extendedAttributes()).isEqualTo(Map.of("tpc", "pull", "space_token", "DATADISK"));
        assertThat(p.toRucio()).containsEntry("domains", davs("x", 1).get("domains"));
    }

    @Test
    void protocolNodeHangsOffTheRseWithFlatPriorities() {
        protocols.add("SITE_DISK", davs("se.example.org", 443));
        Map<String, Object> node = store.read(tx -> tx.run(
                "MATCH (:Rse {rse: 'SITE_DISK'})-[:HAS_PROTOCOL]->(p:Protocol) RETURN properties(p) AS p")
                .single().get("p").asMap());
        assertThat(node).containsEntry("scheme", "davs").containsEntry("write_wan", 2L)
                .containsEntry("third_party_copy_write", 3L).containsEntry("read_lan", 1L);
        assertThat((String) node.get("extended_attributes")).contains("\"space_token\":\"DATADISK\"");
    }

    @Test
    void missingPrioritiesMeanNotSupportedAndFileNeedsNoHost() {
        protocols.add("SITE_DISK", Map.of("scheme", "file", "prefix", "/data/rses/SITE_DISK",
                "domains", Map.of("lan", Map.of("read", 1))));
        RseProtocol file = protocols.get("SITE_DISK", "file").get(0);
        assertThat(file.hostname()).isEmpty();
        assertThat(file.port()).isZero();
        assertThat(file.readLan()).isEqualTo(1);
        assertThat(file.writeLan()).isZero();
        assertThat(file.readWan()).isZero();
        assertThat(file.extendedAttributes()).isNull();
    }

    @Test
    void sameSchemeHostAndPortIsDuplicateButAnotherPortIsNot() {
        protocols.add("SITE_DISK", davs("se.example.org", 443));
        assertThatThrownBy(() -> protocols.add("SITE_DISK", davs("se.example.org", 443)))
                .isInstanceOf(Duplicate.class).hasMessageContaining("davs://se.example.org:443");
        protocols.add("SITE_DISK", davs("se.example.org", 2880));
        rses.add("OTHER_DISK");
        protocols.add("OTHER_DISK", davs("se.example.org", 443));
        assertThat(protocols.list("SITE_DISK")).extracting(RseProtocol::port).containsExactly(443, 2880);
    }

    @Test
    void getBySchemeAndNotSupported() {
        protocols.add("SITE_DISK", davs("a.example.org", 443));
        protocols.add("SITE_DISK", Map.of("scheme", "root", "hostname", "x.example.org", "port", 1094));
        assertThat(protocols.get("SITE_DISK", "davs")).extracting(RseProtocol::hostname).containsExactly("a.example.org");
        assertThatThrownBy(() -> protocols.get("SITE_DISK", "srm"))
                .isInstanceOf(RSEProtocolNotSupported.class).hasMessageContaining("'srm'").hasMessageContaining("'SITE_DISK'");
    }

    @Test
    void listByRseReadsSeveralRsesAtOnce() {
        rses.add("OTHER_DISK");
        rses.add("BARE_DISK");
        protocols.add("SITE_DISK", davs("a.example.org", 443));
        protocols.add("OTHER_DISK", davs("b.example.org", 443));
        protocols.add("OTHER_DISK", Map.of("scheme", "root", "hostname", "b.example.org", "port", 1094));

        Map<String, List<RseProtocol>> byRse = protocols.listByRse(List.of("SITE_DISK", "OTHER_DISK", "BARE_DISK", "NOPE"));

        assertThat(byRse.keySet()).containsExactly("OTHER_DISK", "SITE_DISK");
        assertThat(byRse.get("OTHER_DISK")).extracting(RseProtocol::scheme).containsExactly("davs", "root");
    }

    @Test
    void updateMergesPrioritiesAndChangesFields() {
        protocols.add("SITE_DISK", davs("se.example.org", 443));
        List<RseProtocol> changed = protocols.update("SITE_DISK", "davs", null, null, Map.of(
                "prefix", "/new/", "domains", Map.of("wan", Map.of("read", 5))));
        assertThat(changed).hasSize(1);
        RseProtocol p = protocols.get("SITE_DISK", "davs").get(0);
        assertThat(p).isEqualTo(changed.get(0));
        assertThat(p.prefix()).isEqualTo("/new/");
        assertThat(p.readWan()).isEqualTo(5);
        assertThat(p.writeWan()).isEqualTo(2);
        assertThat(p.extendedAttributes()).containsEntry("tpc", "pull");

        protocols.update("SITE_DISK", "davs", "se.example.org", 443, Map.of("port", 8443));
        assertThat(protocols.get("SITE_DISK", "davs")).extracting(RseProtocol::port).containsExactly(8443);
    }

    @Test
    void updateErrors() {
        protocols.add("SITE_DISK", davs("se.example.org", 443));
        protocols.add("SITE_DISK", davs("se.example.org", 2880));
        assertThatThrownBy(() -> protocols.update("SITE_DISK", "davs", null, 2880, Map.of("port", 443)))
                .isInstanceOf(Duplicate.class);
        assertThatThrownBy(() -> protocols.update("SITE_DISK", "root", null, null, Map.of("port", 1)))
                .isInstanceOf(RSEProtocolNotSupported.class).hasMessageContaining("'root'");
        assertThatThrownBy(() -> protocols.update("SITE_DISK", "davs", null, null, Map.of("colour", "red")))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'colour'");
        assertThatThrownBy(() -> protocols.update("SITE_DISK", "davs", null, null, Map.of("scheme", "https")))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'scheme'");
        assertThat(protocols.list("SITE_DISK")).extracting(RseProtocol::port).containsExactly(443, 2880);
    }

    @Test
    void deleteByScheme_hostAndPortNarrowIt() {
        protocols.add("SITE_DISK", davs("a.example.org", 443));
        protocols.add("SITE_DISK", davs("a.example.org", 2880));
        protocols.add("SITE_DISK", davs("b.example.org", 443));
        protocols.add("SITE_DISK", Map.of("scheme", "root", "hostname", "a.example.org", "port", 1094));

        assertThat(protocols.delete("SITE_DISK", "davs", "a.example.org", 2880)).isEqualTo(1);
        assertThat(protocols.delete("SITE_DISK", "davs", "b.example.org", null)).isEqualTo(1);
        assertThat(protocols.list("SITE_DISK")).extracting(RseProtocol::address)
                .containsExactly("davs://a.example.org:443", "root://a.example.org:1094");
        assertThat(protocols.delete("SITE_DISK", "davs", null, null)).isEqualTo(1);
        assertThatThrownBy(() -> protocols.delete("SITE_DISK", "davs", null, null))
                .isInstanceOf(RSEProtocolNotSupported.class).hasMessageContaining("'davs'");
        assertThat(protocols.list("SITE_DISK")).extracting(RseProtocol::scheme).containsExactly("root");
    }

    @Test
    void invalidDocumentsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> protocols.add("SITE_DISK", Map.of("hostname", "h")))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("scheme");
        assertThatThrownBy(() -> protocols.add("SITE_DISK", Map.of("scheme", "davs", "port", "443")))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'port'");
        assertThatThrownBy(() -> protocols.add("SITE_DISK", Map.of("scheme", "davs", "domains", Map.of("moon", Map.of()))))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'moon'");
        assertThatThrownBy(() -> protocols.add("SITE_DISK", Map.of("scheme", "davs",
                "domains", Map.of("lan", Map.of("third_party_copy_read", 1)))))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'third_party_copy_read'");
        assertThatThrownBy(() -> protocols.add("SITE_DISK", Map.of("scheme", "davs",
                "domains", Map.of("wan", Map.of("read", -1)))))
                .isInstanceOf(InvalidValueForKey.class).hasMessageContaining("wan.read");
        assertThatThrownBy(() -> protocols.add("SITE_DISK", Map.of("scheme", "davs", "extended_attributes", "x")))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'extended_attributes'");
        assertThatThrownBy(() -> protocols.add("SITE_DISK", Map.of("scheme", "davs", "hots", "x")))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'hots'");
        assertThat(protocols.list("SITE_DISK")).isEmpty();
    }

    @Test
    void olderThirdPartyCopyKeySetsBothDirections() {
        protocols.add("SITE_DISK", Map.of("scheme", "root", "hostname", "h", "port", 1094,
                "domains", Map.of("wan", Map.of("third_party_copy", 2))));
        RseProtocol p = protocols.get("SITE_DISK", "root").get(0);
        assertThat(p.thirdPartyCopyRead()).isEqualTo(2);
        assertThat(p.thirdPartyCopyWrite()).isEqualTo(2);
    }

    @Test
    void unknownRseIsNotFound() {
        assertThatThrownBy(() -> protocols.add("NOPE", davs("h", 1))).isInstanceOf(RSENotFound.class)
                .hasMessageContaining("'NOPE'");
        assertThatThrownBy(() -> protocols.list("NOPE")).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> protocols.get("NOPE", "davs")).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> protocols.delete("NOPE", "davs", null, null)).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> protocols.update("NOPE", "davs", null, null, Map.of())).isInstanceOf(RSENotFound.class);
    }
}
