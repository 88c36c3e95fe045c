package org.stevedore.catalog.did;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.DataIdentifierNotFound;
import org.stevedore.catalog.error.DuplicateContent;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.testing.Fixtures;
import org.stevedore.catalog.testing.StoreTest;

class AttachmentStoreTest extends StoreTest {

    private DidStore dids;
    private AttachmentStore attachments;
    private UpdatedDidQueue queue;

    @BeforeEach
    void setUp() {
        Clock clock = Clock.systemUTC();
        dids = new DidStore(store, clock);
        queue = new UpdatedDidQueue(store);
        attachments = new AttachmentStore(store, clock, queue);
        Fixtures.scope(store, "s", "jdoe");
        dids.add(List.of(
                NewDid.file("s", "f1", "jdoe", 10, null), NewDid.file("s", "f2", "jdoe", 20, null),
                NewDid.file("s", "f3", "jdoe", 30, null),
                NewDid.collection("s", "ds1", DidType.DATASET, "jdoe"),
                NewDid.collection("s", "ds2", DidType.DATASET, "jdoe"),
                NewDid.collection("s", "c1", DidType.CONTAINER, "jdoe"),
                NewDid.collection("s", "c2", DidType.CONTAINER, "jdoe"),
                NewDid.collection("s", "c3", DidType.CONTAINER, "jdoe")));
    }

    private static DidRef ref(String name) {
        return new DidRef("s", name);
    }

    private long relationships() {
        return store.read(tx -> tx.run("MATCH ()-[r:CONTAINS]->() RETURN count(r) AS n").single().get("n").asLong());
    }

    @Test
    void attachingFilesUpdatesSizeAndLengthAndQueuesTheDataset() {
        attachments.attach(ref("ds1"), List.of(ref("f1"), ref("f2")), false);
        Did ds = dids.get("s", "ds1");
        assertThat(ds.length()).isEqualTo(2);
        assertThat(ds.bytes()).isEqualTo(30);
        assertThat(queue.oldest(10)).singleElement().satisfies(u -> {
            assertThat(u.name()).isEqualTo("ds1");
            assertThat(u.action()).isEqualTo(UpdatedDidQueue.Action.ATTACH);
        });
        List<String> content = new ArrayList<>();
        attachments.listContent(ref("ds1"), c -> content.add(c.name()));
        assertThat(content).containsExactly("f1", "f2");
    }

    @Test
    void aFileMayBeInSeveralDatasetsAndListsItsParents() {
        attachments.attach(ref("ds1"), List.of(ref("f1")), false);
        attachments.attach(ref("ds2"), List.of(ref("f1")), false);
        assertThat(attachments.parents(ref("f1"))).extracting(AttachmentStore.Content::name).containsExactly("ds1", "ds2");
    }

    @Test
    void filesOfNestedContainersAreListedOnce() {
        attachments.attach(ref("ds1"), List.of(ref("f1"), ref("f2")), false);
        attachments.attach(ref("ds2"), List.of(ref("f2"), ref("f3")), false);
        attachments.attach(ref("c2"), List.of(ref("ds1"), ref("ds2")), false);
        attachments.attach(ref("c1"), List.of(ref("c2")), false);
        List<String> files = new ArrayList<>();
        attachments.listFiles(ref("c1"), f -> files.add(f.name()));
        assertThat(files).containsExactlyInAnyOrder("f1", "f2", "f3");
    }

    @Test
    void wrongTypesAreRefusedAndNothingIsAttached() {
        assertThatThrownBy(() -> attachments.attach(ref("c1"), List.of(ref("f1")), false))
                .isInstanceOf(UnsupportedOperation.class).hasMessageContaining("containers contain only");
        assertThatThrownBy(() -> attachments.attach(ref("ds1"), List.of(ref("f1"), ref("c2")), false))
                .isInstanceOf(UnsupportedOperation.class).hasMessageContaining("datasets contain only files");
        assertThatThrownBy(() -> attachments.attach(ref("f1"), List.of(ref("f2")), false))
                .isInstanceOf(UnsupportedOperation.class).hasMessageContaining("is a file");
        assertThat(relationships()).isZero();
        assertThat(queue.oldest(10)).isEmpty();
    }

    @Test
    void nothingIsAttachedToAClosedCollection() {
        dids.setOpen("s", "ds1", false);
        assertThatThrownBy(() -> attachments.attach(ref("ds1"), List.of(ref("f1")), false))
                .isInstanceOf(UnsupportedOperation.class).hasMessageContaining("closed");
        assertThat(relationships()).isZero();
    }

    @Test
    void cyclesAreRefused() {
        attachments.attach(ref("c1"), List.of(ref("c2")), false);
        attachments.attach(ref("c2"), List.of(ref("c3")), false);
        assertThatThrownBy(() -> attachments.attach(ref("c3"), List.of(ref("c1")), false))
                .isInstanceOf(UnsupportedOperation.class).hasMessageContaining("cycle");
        assertThatThrownBy(() -> attachments.attach(ref("c1"), List.of(ref("c1")), false))
                .isInstanceOf(UnsupportedOperation.class).hasMessageContaining("itself");
        assertThat(relationships()).isEqualTo(2);
    }

    @Test
    void unknownChildOrParentIsNotFoundAndAllOrNothing() {
        assertThatThrownBy(() -> attachments.attach(ref("ds1"), List.of(ref("f1"), ref("nope")), false))
                .isInstanceOf(DataIdentifierNotFound.class).hasMessageContaining("s:nope");
        assertThatThrownBy(() -> attachments.attach(ref("nods"), List.of(ref("f1")), false))
                .isInstanceOf(DataIdentifierNotFound.class).hasMessageContaining("s:nods");
        assertThatThrownBy(() -> attachments.attach(List.of(
                new AttachmentStore.Attachment(ref("ds1"), List.of(ref("f1"))),
                new AttachmentStore.Attachment(ref("ds2"), List.of(ref("c1")))), false))
                .isInstanceOf(UnsupportedOperation.class);
        assertThat(relationships()).isZero();
    }

    @Test
    void duplicateAttachIsRefusedUnlessIgnored() {
        attachments.attach(ref("ds1"), List.of(ref("f1")), false);
        assertThatThrownBy(() -> attachments.attach(ref("ds1"), List.of(ref("f1")), false))
                .isInstanceOf(DuplicateContent.class);
        attachments.attach(ref("ds1"), List.of(ref("f1"), ref("f2")), true);
        assertThat(dids.get("s", "ds1").length()).isEqualTo(2);
    }

    @Test
    void detachUpdatesCountersAndRefusesWhatIsNotAttached() {
        attachments.attach(ref("ds1"), List.of(ref("f1"), ref("f2")), false);
        attachments.detach(ref("ds1"), List.of(ref("f1")));
        Did ds = dids.get("s", "ds1");
        assertThat(ds.length()).isEqualTo(1);
        assertThat(ds.bytes()).isEqualTo(20);
        assertThatThrownBy(() -> attachments.detach(ref("ds1"), List.of(ref("f3"))))
                .isInstanceOf(DataIdentifierNotFound.class).hasMessageContaining("not attached");
        assertThat(queue.oldest(10)).extracting(UpdatedDidQueue.UpdatedDid::action)
                .containsExactly(UpdatedDidQueue.Action.ATTACH, UpdatedDidQueue.Action.DETACH);
    }
}
