package org.stevedore.tape.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.replica.ReplicaState;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.error.RuleNotFound;
import org.stevedore.rules.store.Rule;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignFile;
import org.stevedore.tape.store.CampaignFileState;
import org.stevedore.tape.store.CampaignFileStore;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.tape.store.NewCampaign;

/** Campaigns whose destination is a disk RSE: staged files are copied on by the rules engine and the conveyor. */
class CampaignCopyTest extends StoreTest {

    private static final CampaignSettings SETTINGS = new CampaignSettings(3, Duration.ofSeconds(5),
            Duration.ofMinutes(5), 4);

    @TempDir
    Path root;

    private CopyFixture f;

    @AfterEach
    void close() {
        if (f != null) {
            f.close();
        }
    }

    private static NewCampaign toDisk(String input) {
        return new NewCampaign("prod", List.of(input), CopyFixture.DISK, Duration.ofDays(2), 4, 100_000_000, 5, null);
    }

    @Test
    void stagedFilesReachTheDestinationWithTheirBytesAndTheCampaignCompletesOnceEveryCopyLanded() throws Exception {
        f = new CopyFixture(store, root, SETTINGS);
        Map<String, byte[]> contents = f.dataset("ds", 7, 3_000, false);

        Campaign c = f.service.submit(toDisk("run8:ds"));

        Campaign done = f.campaigns.get(c.id());
        assertThat(done.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(done.staged().files()).isEqualTo(7);
        for (Map.Entry<String, byte[]> e : contents.entrySet()) {
            assertThat(Files.readAllBytes(f.onDisk(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(f.replicas.get(new DidRef("run8", e.getKey()), CopyFixture.DISK).state())
                    .isEqualTo(ReplicaState.AVAILABLE);
        }
        CampaignProgress progress = f.service.progress(c.id());
        assertThat(progress.copies().copied()).isEqualTo(new Campaign.Counts(7, 21_000));
        assertThat(progress.copies().attached().files()).isEqualTo(7);
        assertThat(progress.copies().stuck().files()).isZero();
        // The campaign's own dataset and rule: destination, pin lifetime, activity Staging, the tape as the source.
        assertThat(done.target().owned()).isTrue();
        assertThat(done.target().datasetKey()).isEqualTo("run8:campaign." + c.id());
        Rule rule = f.queries.get(done.target().ruleId());
        assertThat(rule.rseExpression()).isEqualTo(CopyFixture.DISK);
        assertThat(rule.account()).isEqualTo("prod");
        assertThat(rule.activity()).isEqualTo("Staging");
        assertThat(rule.sourceReplicaExpression()).isEqualTo(CopyFixture.TAPE);
        // Its lifetime runs from each file's staging (the last one's), not from the submission.
        java.time.Instant lastStaged = f.campaigns.files().lastStaged(c.id());
        assertThat(lastStaged).isAfter(done.createdAt());
        assertThat(rule.expiresAt()).isEqualTo(lastStaged.plus(Duration.ofDays(2)))
                .isAfter(done.createdAt().plus(Duration.ofDays(2)));
        assertThat(rule.locksOk()).isEqualTo(7);
        assertThat(f.count("MATCH (q:Request {state: 'DONE', source_rse: $tape}) RETURN count(q)",
                Map.of("tape", CopyFixture.TAPE))).isEqualTo(7);
    }

    @Test
    void theCampaignIsNotCompleteWhileACopyIsStillOnItsWay() {
        f = new CopyFixture(store, root, SETTINGS);
        f.dataset("ds", 4, 1_000, false);
        String[] id = new String[1];
        boolean[] sawStagedButNotCopied = new boolean[1];
        f.onWait = () -> {
            if (id[0] == null) {
                id[0] = f.campaigns.ids(java.util.EnumSet.of(CampaignState.RUNNING)).get(0);
            }
            Campaign now = f.campaigns.get(id[0]);
            if (now.staged().files() == 4 && f.campaigns.copies().copiesOutstanding(id[0]) > 0) {
                sawStagedButNotCopied[0] = true;
                assertThat(f.campaigns.completeIfDone(id[0])).isFalse();
            }
        };

        Campaign c = f.service.submit(toDisk("run8:ds"));
        assertThat(c.id()).isEqualTo(id[0]);

        assertThat(sawStagedButNotCopied[0]).as("every file staged while copies were outstanding").isTrue();
        assertThat(f.campaigns.get(c.id()).state()).isEqualTo(CampaignState.COMPLETED);
    }

    @Test
    void aCopyThatFailsForGoodIsAFailureWithItsReasonAndTheCampaignStillCompletes() {
        f = new CopyFixture(store, root, SETTINGS);
        f.dataset("ds", 3, 1_000, true);

        Campaign c = f.service.submit(toDisk("run8:ds"));

        assertThat(f.campaigns.get(c.id()).state()).isEqualTo(CampaignState.COMPLETED);
        CampaignProgress progress = f.service.progress(c.id());
        assertThat(progress.copies().copied().files()).isEqualTo(2);
        assertThat(progress.copies().stuck().files()).isEqualTo(1);
        List<CampaignFile> failures = f.service.failures(c.id(), 10);
        assertThat(failures).singleElement().satisfies(x -> {
            assertThat(x.name()).isEqualTo("ds.0000.raw");
            assertThat(x.state()).isEqualTo(CampaignFileState.STAGED);
            assertThat(x.reason()).startsWith("copy failed (" + CopyFixture.DISK + ": ").containsIgnoringCase("checksum");
        });
    }

    @Test
    void cancellingMidWayRemovesTheCampaignsRuleAndItsLocks() {
        f = new CopyFixture(store, root, SETTINGS);
        f.dataset("ds", 12, 1_000, false);
        String[] id = new String[1];
        f.onWait = () -> {
            String cid = f.campaigns.ids(java.util.EnumSet.of(CampaignState.RUNNING)).stream().findFirst().orElse(null);
            if (cid != null && f.campaigns.copies().copyProgress(cid).copied().files() > 0) {
                id[0] = cid;
                f.service.pause(cid);
            }
        };
        Campaign c = f.service.submit(toDisk("run8:ds"));
        Campaign paused = f.campaigns.get(c.id());
        assertThat(paused.state()).isEqualTo(CampaignState.PAUSED);
        assertThat(paused.staged().files()).as("stopped mid-way").isLessThan(12);
        String ruleId = paused.target().ruleId();

        Campaign cancelled = f.service.cancel(c.id());

        assertThat(cancelled.state()).isEqualTo(CampaignState.CANCELLED);
        assertThatThrownBy(() -> f.queries.get(ruleId)).isInstanceOf(RuleNotFound.class);
        assertThat(f.count("MATCH (:Rule {id: $id})-[l:LOCK]->() RETURN count(l)", Map.of("id", ruleId))).isZero();
        assertThat(f.count("MATCH (r:Rule) RETURN count(r)", Map.of())).isZero();
    }

    @Test
    void aRestartMidCampaignNeitherAttachesAnyFileTwiceNorMakesASecondRule() throws Exception {
        f = new CopyFixture(store, root, SETTINGS);
        Map<String, byte[]> contents = f.dataset("ds", 10, 1_000, false);
        f.onWait = () -> {
            String cid = f.campaigns.ids(java.util.EnumSet.of(CampaignState.RUNNING)).get(0);
            Campaign now = f.campaigns.get(cid);
            if (now.staged().files() >= 3 && now.requested().files() > now.staged().files()) {
                throw new IllegalStateException("the process dies");
            }
        };
        Campaign c = f.service.submit(toDisk("run8:ds"));
        JobExecution died = f.repository.getLastJobExecution(CampaignJobs.JOB, CampaignJobs.parameters(c.id()));
        assertThat(died.getStatus()).isEqualTo(BatchStatus.FAILED);
        // It died after settling a file STAGED and before attaching it: what the tracker does, without its hook.
        CampaignFile inFlight = f.campaigns.files().files(c.id(), CampaignFileState.REQUESTED, 1).get(0);
        f.campaigns.files().settle(c.id(), List.of(new CampaignFileStore.Outcome(inFlight.key(), true, null)));
        assertThat(f.campaigns.copies().copiesOutstanding(c.id())).isPositive();
        f.onWait = () -> { };

        JobExecution second = f.jobs.launch(c.id());

        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Campaign done = f.campaigns.get(c.id());
        assertThat(done.state()).isEqualTo(CampaignState.COMPLETED);
        String dataset = done.target().datasetKey();
        assertThat(f.count("MATCH (:Did {key: $ds})-[c:CONTAINS]->() RETURN count(c)", Map.of("ds", dataset)))
                .isEqualTo(10);
        assertThat(f.count("MATCH (d:Did {key: $ds}) RETURN d.length", Map.of("ds", dataset))).isEqualTo(10);
        assertThat(f.count("MATCH (r:Rule) RETURN count(r)", Map.of())).isEqualTo(1);
        assertThat(f.count("MATCH (:Rule)-[l:LOCK]->() RETURN count(l)", Map.of())).isEqualTo(10);
        assertThat(f.service.progress(c.id()).copies().copied().files()).isEqualTo(10);
        for (Map.Entry<String, byte[]> e : contents.entrySet()) {
            assertThat(Files.readAllBytes(f.onDisk(e.getKey()))).isEqualTo(e.getValue());
        }
    }

    @Test
    void aDestinationOfTapeRsesOnlyStagesInTheBufferWithoutADatasetOrRule() {
        f = new CopyFixture(store, root, SETTINGS);
        f.dataset("ds", 3, 1_000, false);

        Campaign c = f.service.submit(new NewCampaign("prod", List.of("run8:ds"), CopyFixture.TAPE, Duration.ofDays(1),
                4, 100_000_000, 5, null));

        Campaign done = f.campaigns.get(c.id());
        assertThat(done.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(done.target()).isNull();
        assertThat(f.service.progress(c.id()).copies()).isNull();
        assertThat(f.count("MATCH (r:Rule) RETURN count(r)", Map.of())).isZero();
        assertThat(Files.exists(f.onDisk("ds.0000.raw"))).isFalse();
    }
}
