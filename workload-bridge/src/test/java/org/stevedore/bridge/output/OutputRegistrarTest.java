package org.stevedore.bridge.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.bridge.store.JobOutputs;
import org.stevedore.bridge.store.JobOutputs.Output;
import org.stevedore.bridge.store.JobOutputs.Registered;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.Did;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.error.Duplicate;
import org.stevedore.catalog.error.FileConsistencyMismatch;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.error.ScopeNotFound;
import org.stevedore.catalog.error.UnsupportedOperation;
import org.stevedore.catalog.replica.Replica;
import org.stevedore.catalog.replica.ReplicaState;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.testing.Fixtures;
import org.stevedore.catalog.testing.StoreTest;

class OutputRegistrarTest extends StoreTest {

    private DidStore dids;
    private AttachmentStore attachments;
    private ReplicaStore replicas;
    private OutputRegistrar registrar;

    @BeforeEach
    void setUp() {
        Clock clock = Clock.systemUTC();
        dids = new DidStore(store, clock);
        attachments = new AttachmentStore(store, clock, new UpdatedDidQueue(store));
        replicas = new ReplicaStore(store, clock, dids, attachments);
        registrar = new OutputRegistrar(new JobOutputs(store, dids, replicas, attachments));
        Fixtures.scope(store, "spd_sim", "prod");
        Fixtures.rse(store, "JINR_DISK", true);
        Fixtures.rse(store, "CERN_DISK", true);
        Fixtures.rse(store, "TAPE_BUFFER", false);
        store.run("MATCH (r:Rse {rse: 'TAPE_BUFFER'}) CREATE (r)-[:HAS_PROTOCOL]->(:Protocol {key: r.id + '/root', "
                + "scheme: 'root', hostname: 'eos.example', port: 1094, prefix: '/eos/spd'})", Map.of());
    }

    private static Output out(String name, long bytes, String adler32, String rse) {
        return new Output(name, bytes, adler32, rse, null);
    }

    private List<String> content(String dataset) {
        List<String> names = new ArrayList<>();
        attachments.listContent(new DidRef("spd_sim", dataset), c -> names.add(c.name()));
        return names;
    }

    /** Every DID, replica and attachment, to prove a refusal wrote nothing. */
    private long graphSize() {
        return store.read(tx -> tx.run("""
                MATCH (d:Did) OPTIONAL MATCH (d)-[x:REPLICA|CONTAINS]->() RETURN count(DISTINCT d) + count(x) AS n
                """).single().get("n").asLong());
    }

    @Test
    void registersNewFilesWithReplicasIntoANewOpenDatasetOwnedByTheCaller() {
        Registered done = registrar.register("prod", "job-7", "spd_sim", "task42.out", List.of(
                out("job7_0.root", 1000, "0000abcd", "JINR_DISK"),
                out("job7_1.root", 2000, "ABC", "JINR_DISK")));

        assertThat(done.datasetCreated()).isTrue();
        assertThat(done.replicasAdded()).isEqualTo(2);
        Did dataset = dids.get("spd_sim", "task42.out");
        assertThat(dataset.type()).isEqualTo(DidType.DATASET);
        assertThat(dataset.open()).isTrue();
        assertThat(dataset.account()).isEqualTo("prod");
        assertThat(dataset.length()).isEqualTo(2);
        assertThat(dataset.bytes()).isEqualTo(3000);
        assertThat(content("task42.out")).containsExactlyInAnyOrder("job7_0.root", "job7_1.root");
        Replica r = replicas.get(new DidRef("spd_sim", "job7_1.root"), "JINR_DISK");
        assertThat(r.state()).isEqualTo(ReplicaState.AVAILABLE);
        assertThat(r.adler32()).isEqualTo("00000abc");
        assertThat(dids.get("spd_sim", "job7_1.root").account()).isEqualTo("prod");
    }

    @Test
    void aSecondJobAddsToTheSameDatasetAndAPfnIsKeptRelativeToTheRsePrefix() {
        registrar.register("prod", "job-1", "spd_sim", "task42.out", List.of(out("a.root", 10, "1", "JINR_DISK")));
        Registered second = registrar.register("prod", "job-2", "spd_sim", "task42.out", List.of(
                new Output("b.root", 20L, "2", "TAPE_BUFFER", "root://eos.example:1094/eos/spd/out/b.root")));
        assertThat(second.datasetCreated()).isFalse();
        assertThat(content("task42.out")).containsExactlyInAnyOrder("a.root", "b.root");
        assertThat(replicas.get(new DidRef("spd_sim", "b.root"), "TAPE_BUFFER").path()).isEqualTo("out/b.root");
    }

    @Test
    void aRetriedJobRegisteringTheSameOutputsChangesNothing() {
        List<Output> files = List.of(out("a.root", 10, "00000001", "JINR_DISK"), out("b.root", 20, "2", "JINR_DISK"));
        registrar.register("prod", "job-1", "spd_sim", "task42.out", files);
        long before = graphSize();

        Registered again = registrar.register("prod", "job-1", "spd_sim", "task42.out", files);

        assertThat(again.replicasAdded()).isZero();
        assertThat(again.alreadyRegistered()).isEqualTo(2);
        assertThat(graphSize()).isEqualTo(before);
        assertThat(dids.get("spd_sim", "task42.out").length()).isEqualTo(2);
    }

    @Test
    void aFileAlreadyKnownWithTheSameMetadataGetsTheNewReplicaAndIsAttached() {
        dids.add(List.of(NewDid.file("spd_sim", "shared.root", "prod", 5, "5")));
        registrar.register("prod", "job-1", "spd_sim", "task42.out", List.of(
                out("shared.root", 5, "00000005", "CERN_DISK"), out("shared.root", 5, "5", "JINR_DISK")));
        assertThat(replicas.replicasOf(new DidRef("spd_sim", "shared.root"))).extracting(Replica::rse)
                .containsExactly("CERN_DISK", "JINR_DISK");
        assertThat(content("task42.out")).containsExactly("shared.root");
    }

    @Test
    void aBadChecksumRefusesEverythingAndNamesTheFile() {
        long before = graphSize();
        assertThatThrownBy(() -> registrar.register("prod", "job-1", "spd_sim", "task42.out", List.of(
                out("good.root", 1, "1", "JINR_DISK"), out("bad.root", 1, "xyz!", "JINR_DISK"))))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("spd_sim:bad.root").hasMessageContaining("xyz!");
        assertThat(graphSize()).isEqualTo(before);
        assertThat(dids.exists("spd_sim", "task42.out")).isFalse();
    }

    @Test
    void anUnknownRseRefusesEverythingAndNamesTheRse() {
        long before = graphSize();
        assertThatThrownBy(() -> registrar.register("prod", "job-1", "spd_sim", "task42.out", List.of(
                out("a.root", 1, "1", "JINR_DISK"), out("b.root", 1, "1", "NOWHERE"))))
                .isInstanceOf(RSENotFound.class).hasMessageContaining("NOWHERE");
        assertThat(graphSize()).isEqualTo(before);
        assertThat(dids.exists("spd_sim", "a.root")).isFalse();
    }

    @Test
    void aNameThatExistsWithOtherMetadataRefusesEverythingAndNamesIt() {
        registrar.register("prod", "job-1", "spd_sim", "task42.out", List.of(out("a.root", 10, "1", "JINR_DISK")));
        long before = graphSize();
        assertThatThrownBy(() -> registrar.register("prod", "job-2", "spd_sim", "task43.out", List.of(
                out("new.root", 3, "3", "JINR_DISK"), out("a.root", 11, "1", "CERN_DISK"))))
                .isInstanceOf(FileConsistencyMismatch.class).hasMessageContaining("spd_sim:a.root")
                .hasMessageContaining("10 bytes");
        assertThatThrownBy(() -> registrar.register("prod", "job-2", "spd_sim", "task43.out", List.of(
                out("a.root", 10, "2", "JINR_DISK"))))
                .isInstanceOf(FileConsistencyMismatch.class).hasMessageContaining("adler32 00000001");
        assertThat(graphSize()).isEqualTo(before);
        assertThat(dids.exists("spd_sim", "task43.out")).isFalse();
    }

    @Test
    void theSameFileTwiceForOneRseOrWithTwoChecksumsIsRefused() {
        assertThatThrownBy(() -> registrar.register("prod", "j", "spd_sim", "ds", List.of(
                out("a.root", 1, "1", "JINR_DISK"), out("a.root", 1, "1", "JINR_DISK"))))
                .isInstanceOf(Duplicate.class).hasMessageContaining("spd_sim:a.root");
        assertThatThrownBy(() -> registrar.register("prod", "j", "spd_sim", "ds", List.of(
                out("a.root", 1, "1", "JINR_DISK"), out("a.root", 1, "2", "CERN_DISK"))))
                .isInstanceOf(FileConsistencyMismatch.class).hasMessageContaining("spd_sim:a.root");
        assertThatThrownBy(() -> registrar.register("prod", "j", "spd_sim", "ds", List.of(
                new Output("a.root", null, "1", "JINR_DISK", null))))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("size");
        assertThatThrownBy(() -> registrar.register("prod", "j", "spd_sim", "ds", List.of(
                new Output("a.root", 1L, null, "JINR_DISK", null))))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("adler32");
        assertThatThrownBy(() -> registrar.register("prod", "j", "spd_sim", "ds", List.of()))
                .isInstanceOf(InvalidObject.class);
        assertThat(dids.exists("spd_sim", "ds")).isFalse();
    }

    @Test
    void anUnknownScopeIsRefused() {
        assertThatThrownBy(() -> registrar.register("prod", "j", "no_such_scope", "ds", List.of(
                out("a.root", 1, "1", "JINR_DISK"))))
                .isInstanceOf(ScopeNotFound.class).hasMessageContaining("no_such_scope");
        assertThat(graphSize()).isZero();
    }

    @Test
    void aNameTakenByAContainerCannotBeTheOutputDataset() {
        dids.add(List.of(NewDid.collection("spd_sim", "task42.out", DidType.CONTAINER, "prod")));
        assertThatThrownBy(() -> registrar.register("prod", "j", "spd_sim", "task42.out", List.of(
                out("a.root", 1, "1", "JINR_DISK"))))
                .isInstanceOf(UnsupportedOperation.class).hasMessageContaining("container");
        assertThat(dids.exists("spd_sim", "a.root")).isFalse();
    }

    @Test
    void closingAtTaskEndFreezesTheDatasetButARepeatOfRegisteredOutputsStillPasses() {
        List<Output> files = List.of(out("a.root", 1, "1", "JINR_DISK"));
        registrar.register("prod", "j", "spd_sim", "task42.out", files);
        registrar.close("spd_sim", "task42.out");
        registrar.close("spd_sim", "task42.out");
        assertThat(dids.get("spd_sim", "task42.out").open()).isFalse();

        assertThat(registrar.register("prod", "j", "spd_sim", "task42.out", files).alreadyRegistered()).isEqualTo(1);
        assertThatThrownBy(() -> registrar.register("prod", "late", "spd_sim", "task42.out", List.of(
                out("late.root", 1, "1", "JINR_DISK"))))
                .isInstanceOf(UnsupportedOperation.class).hasMessageContaining("closed");
        assertThat(dids.exists("spd_sim", "late.root")).isFalse();
    }
}
