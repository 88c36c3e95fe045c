package org.stevedore.catalog.rse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.InvalidType;
import org.stevedore.catalog.error.InvalidValueForKey;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.testing.StoreTest;

class RseStoreTest extends StoreTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");

    private final RseStore rses = new RseStore(store, Clock.fixed(T0, ZoneOffset.UTC));

    @Test
    void addedRseHasRucioDefaultsAndCanBeReadByNameAndId() {
        Rse added = rses.add("CERN-PROD_DATADISK");

        assertThat(added.id()).matches("[0-9a-f]{32}");
        assertThat(added.rse()).isEqualTo("CERN-PROD_DATADISK");
        assertThat(added.rseType()).isEqualTo(RseType.DISK);
        assertThat(added.deterministic()).isTrue();
        assertThat(added.isVolatile()).isFalse();
        assertThat(added.stagingArea()).isFalse();
        assertThat(added.availabilityRead()).isTrue();
        assertThat(added.availabilityWrite()).isTrue();
        assertThat(added.availabilityDelete()).isTrue();
        assertThat(added.lfn2pfnAlgorithm()).isEqualTo("hash");
        assertThat(added.verifyChecksum()).isTrue();
        assertThat(added.city()).isNull();
        assertThat(added.longitude()).isNull();
        assertThat(added.createdAt()).isEqualTo(T0);
        assertThat(added.updatedAt()).isEqualTo(T0);

        assertThat(rses.get("CERN-PROD_DATADISK")).isEqualTo(added);
        assertThat(rses.getById(added.id())).isEqualTo(added);
    }

    @Test
    void addTakesRucioSettings() {
        Map<String, Object> settings = new HashMap<>();
        settings.put("rse_type", "tape");
        settings.put("deterministic", false);
        settings.put("volatile", true);
        settings.put("staging_area", true);
        settings.put("city", "Dubna");
        settings.put("country_name", "Russia");
        settings.put("ISP", "JINR-NET");
        settings.put("ASN", "2875");
        settings.put("longitude", 37);
        settings.put("latitude", 56.74);
        settings.put("qos_class", "cheap");
        settings.put("lfn2pfn_algorithm", "identity");
        settings.put("verify_checksum", false);

        Rse tape = rses.add("JINR_TAPE", settings);

        assertThat(rses.get("JINR_TAPE")).isEqualTo(tape);
        assertThat(tape.rseType()).isEqualTo(RseType.TAPE);
        assertThat(tape.deterministic()).isFalse();
        assertThat(tape.isVolatile()).isTrue();
        assertThat(tape.stagingArea()).isTrue();
        assertThat(tape.city()).isEqualTo("Dubna");
        assertThat(tape.countryName()).isEqualTo("Russia");
        assertThat(tape.isp()).isEqualTo("JINR-NET");
        assertThat(tape.asn()).isEqualTo("2875");
        assertThat(tape.longitude()).isEqualTo(37.0);
        assertThat(tape.latitude()).isEqualTo(56.74);
        assertThat(tape.qosClass()).isEqualTo("cheap");
        assertThat(tape.lfn2pfnAlgorithm()).isEqualTo("identity");
        assertThat(tape.verifyChecksum()).isFalse();
    }

    @Test
    void nodeUsesRucioKeysAndEpochMillis() {
        rses.add("SITE_DISK", Map.of("availability_write", false));
        Map<String, Object> node = store.read(tx -> tx.run("MATCH (r:Rse {rse: 'SITE_DISK'}) RETURN properties(r) AS p")
                .single().get("p").asMap());
        assertThat(node).containsEntry("rse_type", "DISK").containsEntry("availability_write", false)
                .containsEntry("lfn2pfn_algorithm", "hash").containsEntry("created_at", T0.toEpochMilli())
                .containsEntry("attr:SITE_DISK", true);
    }

    @Test
    void addingAddsTheNameAsTrueAttribute() {
        rses.add("SITE_DISK");
        assertThat(rses.attributes("SITE_DISK")).containsExactly(Map.entry("SITE_DISK", true));
    }

    @Test
    void duplicateRseIsRefused() {
        rses.add("SITE_DISK", Map.of("city", "Geneva"));
        assertThatThrownBy(() -> rses.add("SITE_DISK"))
                .isInstanceOf(Duplicate.class).hasMessage("RSE 'SITE_DISK' already exists");
        assertThat(rses.get("SITE_DISK").city()).isEqualTo("Geneva");
    }

    @Test
    void addAllIsAllOrNothing() {
        rses.add("B_DISK");
        Map<String, Map<String, ?>> batch = new LinkedHashMap<>();
        batch.put("A_DISK", Map.of());
        batch.put("B_DISK", Map.of());
        assertThatThrownBy(() -> rses.addAll(batch)).isInstanceOf(Duplicate.class).hasMessageContaining("'B_DISK'");
        assertThat(rses.list()).extracting(Rse::rse).containsExactly("B_DISK");

        batch.remove("B_DISK");
        batch.put("C_TAPE", Map.of("rse_type", "TAPE"));
        assertThat(rses.addAll(batch)).extracting(Rse::rse).containsExactly("A_DISK", "C_TAPE");
        assertThat(rses.get("C_TAPE").rseType()).isEqualTo(RseType.TAPE);
    }

    @Test
    void invalidNamesAndSettingsAreRefusedBeforeWriting() {
        assertThatThrownBy(() -> rses.add("bad_name")).isInstanceOf(InvalidObject.class).hasMessageContaining("'bad_name'");
        assertThatThrownBy(() -> rses.add("X_DISK", Map.of("colour", "red")))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'colour'");
        assertThatThrownBy(() -> rses.add("X_DISK", Map.of("rse_type", "FLOPPY")))
                .isInstanceOf(InvalidType.class).hasMessageContaining("'FLOPPY'");
        assertThat(rses.list()).isEmpty();
    }

    @Test
    void unknownRseIsNotFound() {
        assertThatThrownBy(() -> rses.get("NOPE")).isInstanceOf(RSENotFound.class).hasMessageContaining("'NOPE'");
        assertThatThrownBy(() -> rses.getById("0123")).isInstanceOf(RSENotFound.class).hasMessageContaining("'0123'");
        assertThatThrownBy(() -> rses.update("NOPE", Map.of("city", "x"))).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> rses.delete("NOPE")).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> rses.attributes("NOPE")).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> rses.setAttribute("NOPE", "tier", 1)).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> rses.deleteAttribute("NOPE", "tier")).isInstanceOf(RSENotFound.class);
    }

    @Test
    void listIsSortedByName() {
        rses.add("ZETA");
        rses.add("ALPHA");
        rses.add("MID_DISK");
        assertThat(rses.list()).extracting(Rse::rse).containsExactly("ALPHA", "MID_DISK", "ZETA");
    }

    @Test
    void updateChangesOnlyTheGivenKeys() {
        Rse before = rses.add("SITE_DISK", Map.of("city", "Geneva", "latitude", 46.2));
        Instant later = T0.plusSeconds(60);
        RseStore laterRses = new RseStore(store, Clock.fixed(later, ZoneOffset.UTC));

        Map<String, Object> changes = new HashMap<>();
        changes.put("availability_write", false);
        changes.put("city", null);
        changes.put("rse_type", "TAPE");
        Rse after = laterRses.update("SITE_DISK", changes);

        assertThat(after.availabilityWrite()).isFalse();
        assertThat(after.city()).isNull();
        assertThat(after.rseType()).isEqualTo(RseType.TAPE);
        assertThat(after.latitude()).isEqualTo(46.2);
        assertThat(after.availabilityRead()).isTrue();
        assertThat(after.createdAt()).isEqualTo(before.createdAt());
        assertThat(after.updatedAt()).isEqualTo(later);
        assertThat(rses.get("SITE_DISK")).isEqualTo(after);
    }

    @Test
    void updateRefusesUnknownKeysAndWrongTypesNamingTheKey() {
        rses.add("SITE_DISK");
        assertThatThrownBy(() -> rses.update("SITE_DISK", Map.of("availabilty_read", false)))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'availabilty_read'");
        assertThatThrownBy(() -> rses.update("SITE_DISK", Map.of("deterministic", "yes")))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'deterministic'");
        assertThatThrownBy(() -> rses.update("SITE_DISK", Map.of("longitude", "east")))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'longitude'");
        assertThatThrownBy(() -> rses.update("SITE_DISK", Map.of("latitude", 91)))
                .isInstanceOf(InvalidValueForKey.class).hasMessageContaining("'latitude'");
        assertThatThrownBy(() -> rses.update("SITE_DISK", Map.of("id", "abc")))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'id'");
        assertThatThrownBy(() -> rses.update("SITE_DISK", Map.of("lfn2pfn_algorithm", "magic")))
                .isInstanceOf(InvalidValueForKey.class).hasMessageContaining("'magic'");
        Map<String, Object> nullFlag = new HashMap<>();
        nullFlag.put("availability_read", null);
        assertThatThrownBy(() -> rses.update("SITE_DISK", nullFlag))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'availability_read'");

        // a map with one bad key changes nothing
        Map<String, Object> mixed = new LinkedHashMap<>();
        mixed.put("city", "Bern");
        mixed.put("nonsense", 1);
        assertThatThrownBy(() -> rses.update("SITE_DISK", mixed)).isInstanceOf(InvalidObject.class);
        assertThat(rses.get("SITE_DISK").city()).isNull();
    }

    @Test
    void deleteRemovesTheRseAndEverythingItOwns() {
        rses.add("SITE_DISK");
        rses.add("OTHER_DISK");
        new RseProtocolStore(store).add("SITE_DISK", Map.of("scheme", "davs", "hostname", "h", "port", 443));
        new RseUsageStore(store).set("SITE_DISK", "storage", 10, 90L, 1L);
        new RseDistanceStore(store).add("OTHER_DISK", "SITE_DISK", 1);

        rses.delete("SITE_DISK");

        assertThatThrownBy(() -> rses.get("SITE_DISK")).isInstanceOf(RSENotFound.class);
        long leftovers = store.read(tx -> tx.run("MATCH (n) WHERE n:Protocol OR n:RseUsage RETURN count(n) AS c")
                .single().get("c").asLong());
        assertThat(leftovers).isZero();
        assertThat(new RseDistanceStore(store).listFrom("OTHER_DISK")).isEmpty();
        assertThat(rses.list()).extracting(Rse::rse).containsExactly("OTHER_DISK");
    }

    @Test
    void deleteIsRefusedWhileAReplicaExists() {
        rses.add("SITE_DISK");
        store.run("""
                MATCH (r:Rse {rse: 'SITE_DISK'})
                CREATE (:Did {key: 'user.jdoe:file1', scope: 'user.jdoe', name: 'file1'})-[:REPLICA {state: 'AVAILABLE'}]->(r)
                """, Map.of());

        assertThatThrownBy(() -> rses.delete("SITE_DISK"))
                .isInstanceOf(UnsupportedOperation.class).hasMessageContaining("'SITE_DISK'").hasMessageContaining("replicas");
        assertThat(rses.get("SITE_DISK").rse()).isEqualTo("SITE_DISK");

        store.run("MATCH ()-[x:REPLICA]->() DELETE x", Map.of());
        rses.delete("SITE_DISK");
        assertThat(rses.list()).isEmpty();
    }

    @Test
    void attributesKeepTheirTypesAndCanBeOverwrittenAndDeleted() {
        rses.add("SITE_DISK");
        rses.setAttribute("SITE_DISK", "tier", 1);
        rses.setAttribute("SITE_DISK", "type", "DATADISK");
        rses.setAttribute("SITE_DISK", "greedyDeletion", true);
        rses.setAttribute("SITE_DISK", "weight", 0.5);
        rses.setAttribute("SITE_DISK", "fts", "https://fts.example:8446");

        assertThat(rses.attributes("SITE_DISK")).containsExactly(
                Map.entry("SITE_DISK", true),
                Map.entry("fts", "https://fts.example:8446"),
                Map.entry("greedyDeletion", true),
                Map.entry("tier", 1L),
                Map.entry("type", "DATADISK"),
                Map.entry("weight", 0.5));

        rses.setAttribute("SITE_DISK", "tier", 2L);
        assertThat(rses.attributes("SITE_DISK")).containsEntry("tier", 2L);

        rses.deleteAttribute("SITE_DISK", "tier");
        assertThat(rses.attributes("SITE_DISK")).doesNotContainKey("tier").containsKey("type");
        assertThat(rses.get("SITE_DISK").rse()).isEqualTo("SITE_DISK");
    }

    @Test
    void attributeErrorsNameTheProblem() {
        rses.add("SITE_DISK");
        assertThatThrownBy(() -> rses.deleteAttribute("SITE_DISK", "tier"))
                .isInstanceOf(KeyNotFound.class).hasMessageContaining("'tier'").hasMessageContaining("'SITE_DISK'");
        assertThatThrownBy(() -> rses.setAttribute("SITE_DISK", "bad key", "x"))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'bad key'");
        assertThatThrownBy(() -> rses.setAttribute("SITE_DISK", "list", List.of(1)))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'list'");
        assertThatThrownBy(() -> rses.setAttribute("SITE_DISK", "none", null))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("'none'");
    }

    @Test
    void attributesAreNotMistakenForSettings() {
        rses.add("SITE_DISK");
        rses.setAttribute("SITE_DISK", "city", "Attribute City");
        assertThat(rses.get("SITE_DISK").city()).isNull();
        assertThat(rses.attributes("SITE_DISK")).containsEntry("city", "Attribute City");
    }

    @Test
    void listWithAttributesReturnsEveryRseWithItsOwnAttributes() {
        rses.add("B_DISK");
        rses.add("A_TAPE", Map.of("rse_type", "TAPE"));
        rses.setAttributes("A_TAPE", Map.of("tier", 1, "cloud", "IT"));
        rses.setAttributes("B_DISK", Map.of("tier", 2));
        new RseLimitStore(store).set("B_DISK", "MinFreeSpace", 100);

        List<RseWithAttributes> all = rses.listWithAttributes();

        assertThat(all).extracting(r -> r.rse().rse()).containsExactly("A_TAPE", "B_DISK");
        assertThat(all.get(0).rse().rseType()).isEqualTo(RseType.TAPE);
        assertThat(all.get(0).attributes()).isEqualTo(Map.of("A_TAPE", true, "tier", 1L, "cloud", "IT"));
        assertThat(all.get(1).attributes()).isEqualTo(Map.of("B_DISK", true, "tier", 2L));
    }

    @Test
    void everyWriteToRsesOrAttributesChangesTheCatalogVersion() {
        List<String> seen = new ArrayList<>();
        seen.add(rses.catalogVersion());
        rses.add("SITE_DISK");
        seen.add(rses.catalogVersion());
        rses.addAll(Map.of("OTHER_DISK", Map.of()));
        seen.add(rses.catalogVersion());
        rses.update("SITE_DISK", Map.of("availability_write", false));
        seen.add(rses.catalogVersion());
        rses.setAttribute("SITE_DISK", "tier", 1);
        seen.add(rses.catalogVersion());
        rses.setAttributes("SITE_DISK", Map.of("cloud", "IT"));
        seen.add(rses.catalogVersion());
        rses.deleteAttribute("SITE_DISK", "tier");
        seen.add(rses.catalogVersion());
        rses.delete("OTHER_DISK");
        seen.add(rses.catalogVersion());

        assertThat(seen).doesNotHaveDuplicates().hasSize(8);
    }

    @Test
    void refusedWritesAndLimitsLeaveTheCatalogVersionAlone() {
        rses.add("SITE_DISK");
        RseLimitStore limits = new RseLimitStore(store);
        String before = rses.catalogVersion();

        assertThatThrownBy(() -> rses.add("SITE_DISK")).isInstanceOf(Duplicate.class);
        assertThatThrownBy(() -> rses.update("NOPE", Map.of("city", "x"))).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> rses.setAttribute("NOPE", "tier", 1)).isInstanceOf(RSENotFound.class);
        assertThatThrownBy(() -> rses.deleteAttribute("SITE_DISK", "nokey")).isInstanceOf(KeyNotFound.class);
        assertThatThrownBy(() -> rses.delete("NOPE")).isInstanceOf(RSENotFound.class);
        limits.set("SITE_DISK", "MinFreeSpace", 10);
        limits.delete("SITE_DISK", "MinFreeSpace");

        assertThat(rses.catalogVersion()).isEqualTo(before);
    }

    @Test
    void catalogVersionDoesNotRepeatAfterTheGraphIsEmptied() {
        rses.add("SITE_DISK");
        String first = rses.catalogVersion();
        store.run("MATCH (n) WHERE NOT n:SchemaVersion DETACH DELETE n", Map.of());

        rses.add("SITE_DISK");

        assertThat(rses.catalogVersion()).isNotEqualTo(first);
    }
}
