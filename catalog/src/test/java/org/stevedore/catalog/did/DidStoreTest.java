package org.stevedore.catalog.did;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.DataIdentifierAlreadyExists;
import org.stevedore.catalog.error.DataIdentifierNotFound;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.KeyNotFound;
import org.stevedore.catalog.error.ScopeNotFound;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.outbox.Events;
import org.stevedore.catalog.testing.Fixtures;
import org.stevedore.catalog.testing.StoreTest;

class DidStoreTest extends StoreTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
    private DidStore dids;

    @BeforeEach
    void setUp() {
        dids = new DidStore(store, clock);
        Fixtures.scope(store, "bmn_run8", "jdoe");
    }

    private long didCount() {
        return store.read(tx -> tx.run("MATCH (d:Did) RETURN count(d) AS n").single().get("n").asLong());
    }

    @Test
    void registersFilesAndCollectionsWithTheirAttributes() {
        dids.add(List.of(
                NewDid.file("bmn_run8", "raw/f1.root", "jdoe", 1234, "1A2b"),
                new NewDid("bmn_run8", "ds1", DidType.DATASET, "jdoe", null, null, null, null, null, true,
                        Duration.ofHours(1), Map.of("run", 8))));
        Did file = dids.get("bmn_run8", "raw/f1.root");
        assertThat(file.type()).isEqualTo(DidType.FILE);
        assertThat(file.bytes()).isEqualTo(1234L);
        assertThat(file.adler32()).isEqualTo("00001a2b");
        assertThat(file.account()).isEqualTo("jdoe");
        Did ds = dids.get("bmn_run8", "ds1");
        assertThat(ds.open()).isTrue();
        assertThat(ds.monotonic()).isTrue();
        assertThat(ds.expiredAt()).isEqualTo(Instant.parse("2026-11-22T11:00:00Z"));
        assertThat(dids.meta("bmn_run8", "ds1")).containsEntry("run", 8);
    }

    @Test
    void eachCollectionCreatedIsAnnouncedAsRucioDoesAndFilesAreNot() throws Exception {
        dids.add(List.of(
                NewDid.file("bmn_run8", "raw/f9.root", "jdoe", 1, "00000001"),
                new NewDid("bmn_run8", "ds9", DidType.DATASET, "jdoe", null, null, null, null, null, true,
                        Duration.ofHours(1), null),
                NewDid.collection("bmn_run8", "cnt9", DidType.CONTAINER, "jdoe")));

        Events events = new Events(store);
        List<Events.Event> datasets = events.since(DidStore.CREATE_DTS, 0, "", 10);
        List<Events.Event> containers = events.since(DidStore.CREATE_CNT, 0, "", 10);
        ObjectMapper json = new ObjectMapper();
        assertThat(datasets).singleElement().satisfies(e -> assertThat(json.readTree(e.payload())).isEqualTo(
                json.readTree("{\"account\": \"jdoe\", \"scope\": \"bmn_run8\", \"name\": \"ds9\","
                        + " \"expired_at\": \"2026-11-22 11:00:00\"}")));
        assertThat(containers).singleElement().satisfies(e -> assertThat(json.readTree(e.payload()).get("name")
                .asText()).isEqualTo("cnt9"));
        assertThat(events.oldest(100)).as("no event for the file").hasSize(2);
    }

    @Test
    void tenThousandFilesWithOneInvalidNameRegisterNone() {
        List<NewDid> files = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            files.add(NewDid.file("bmn_run8", i == 7_777 ? "bad name " + i : "f" + i, "jdoe", i, "00000001"));
        }
        assertThatThrownBy(() -> dids.add(files))
                .isInstanceOf(InvalidObject.class)
                .hasMessageContaining("bad name 7777")
                .hasMessageContaining("' ' at position 4");
        assertThat(didCount()).isZero();
    }

    @Test
    void anExistingDidRefusesTheWholeBulkAndNamesIt() {
        dids.add(List.of(NewDid.file("bmn_run8", "f5", "jdoe", 1, null)));
        List<NewDid> files = new ArrayList<>();
        for (int i = 0; i < 12_000; i++) {
            files.add(NewDid.file("bmn_run8", "f" + i, "jdoe", 1, null));
        }
        assertThatThrownBy(() -> dids.add(files))
                .isInstanceOf(DataIdentifierAlreadyExists.class)
                .hasMessageContaining("bmn_run8:f5");
        assertThat(didCount()).isEqualTo(1);
    }

    @Test
    void duplicatesInsideOneRequestAreRefused() {
        assertThatThrownBy(() -> dids.add(List.of(NewDid.file("bmn_run8", "a", "jdoe", 1, null),
                NewDid.file("bmn_run8", "a", "jdoe", 1, null))))
                .isInstanceOf(DataIdentifierAlreadyExists.class).hasMessageContaining("twice");
        assertThat(didCount()).isZero();
    }

    @Test
    void unknownScopeIsRefused() {
        assertThatThrownBy(() -> dids.add(List.of(NewDid.file("nosuch", "a", "jdoe", 1, null))))
                .isInstanceOf(ScopeNotFound.class).hasMessageContaining("nosuch");
    }

    @Test
    void badNamesSayWhatIsWrong() {
        assertThatThrownBy(() -> dids.get("x".repeat(26), "a")).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("26 characters, at most 25");
        assertThatThrownBy(() -> dids.get("s", "n".repeat(251))).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("251 characters, at most 250");
        assertThatThrownBy(() -> dids.get("bmn_run8", "a:b")).isInstanceOf(InvalidObject.class)
                .hasMessageContaining("':' at position 2");
        assertThatThrownBy(() -> dids.add(List.of(NewDid.file("bmn_run8", "a", "jdoe", 1, "xyz"))))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("adler32");
    }

    @Test
    void unknownDidIsNotFound() {
        assertThatThrownBy(() -> dids.get("bmn_run8", "missing")).isInstanceOf(DataIdentifierNotFound.class)
                .hasMessageContaining("bmn_run8:missing");
    }

    @Test
    void closingACollectionRecordsWhenAndFilesCannotBeClosed() {
        dids.add(List.of(NewDid.collection("bmn_run8", "ds", DidType.DATASET, "jdoe"),
                NewDid.file("bmn_run8", "f", "jdoe", 1, null)));
        dids.setOpen("bmn_run8", "ds", false);
        Did ds = dids.get("bmn_run8", "ds");
        assertThat(ds.open()).isFalse();
        assertThat(ds.closedAt()).isEqualTo(clock.instant());
        assertThatThrownBy(() -> dids.setOpen("bmn_run8", "f", false)).isInstanceOf(UnsupportedOperation.class);
    }

    @Test
    void metadataMergesAndDeletes() {
        dids.add(List.of(NewDid.collection("bmn_run8", "ds", DidType.DATASET, "jdoe")));
        dids.setMeta("bmn_run8", "ds", Map.of("a", 1, "b", "two"));
        dids.setMeta("bmn_run8", "ds", Map.of("b", "three"));
        assertThat(dids.meta("bmn_run8", "ds")).containsEntry("a", 1).containsEntry("b", "three");
        dids.deleteMeta("bmn_run8", "ds", "a");
        assertThat(dids.meta("bmn_run8", "ds")).doesNotContainKey("a");
        assertThatThrownBy(() -> dids.deleteMeta("bmn_run8", "ds", "a")).isInstanceOf(KeyNotFound.class);
        assertThatThrownBy(() -> dids.setMeta("bmn_run8", "ds", Map.of("bad key", 1))).isInstanceOf(InvalidObject.class);
    }

    @Test
    void searchMatchesWildcardsWithinTheScopeOnly() {
        Fixtures.scope(store, "bmn_run9", "jdoe");
        dids.add(List.of(NewDid.file("bmn_run8", "raw.001", "jdoe", 1, null),
                NewDid.file("bmn_run8", "raw.002", "jdoe", 1, null),
                NewDid.file("bmn_run8", "sim.001", "jdoe", 1, null),
                NewDid.collection("bmn_run8", "raw.ds", DidType.DATASET, "jdoe"),
                NewDid.file("bmn_run9", "raw.001", "jdoe", 1, null)));
        List<String> names = new ArrayList<>();
        dids.search("bmn_run8", "raw.*", null, 0, d -> names.add(d.name()));
        assertThat(names).containsExactly("raw.001", "raw.002", "raw.ds");
        names.clear();
        dids.search("bmn_run8", "*.001", DidType.FILE, 0, d -> names.add(d.name()));
        assertThat(names).containsExactly("raw.001", "sim.001");
        names.clear();
        dids.search("bmn_run8", "*", DidType.DATASET, 0, d -> names.add(d.name()));
        assertThat(names).containsExactly("raw.ds");
    }
}
