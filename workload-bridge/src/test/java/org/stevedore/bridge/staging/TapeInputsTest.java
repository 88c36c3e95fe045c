package org.stevedore.bridge.staging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.bridge.BridgeFixture;
import org.stevedore.bridge.store.BridgeStore.Task;
import org.stevedore.bridge.task.TaskEnder;
import org.stevedore.bridge.task.TaskRegistrar;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignState;

/** A task's inputs on tape only come back through one campaign; the others through the task's rule, as before. */
class TapeInputsTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
    @TempDir
    Path root;
    private TapeTaskFixture f;

    @BeforeEach
    void grid() {
        f = new TapeTaskFixture(store, clock, root);
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static Map<String, List<String>> oneJobPerFile(String prefix, List<String> files) {
        Map<String, List<String>> jobs = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            jobs.put(prefix + i, List.of(files.get(i)));
        }
        return jobs;
    }

    private String state(String jobId) {
        return f.b.bridge.job(jobId).orElseThrow().state();
    }

    private long campaigns() {
        return f.b.count("MATCH (c:Campaign) RETURN count(c)", Map.of());
    }

    @Test
    void diskInputsAreReleasedFirstAndTapeInputsOnlyOnceStagedAndCopiedThroughOneCampaign() {
        List<String> disk = f.files("d", 3, 2_000, "SRC");
        List<String> tape = f.files("t", 3, 2_000, TapeTaskFixture.TAPE);
        List<String> inputs = new ArrayList<>(disk);
        inputs.addAll(tape);
        Map<String, List<String>> jobs = oneJobPerFile("disk-", disk);
        jobs.putAll(oneJobPerFile("tape-", tape));
        List<String> violations = new ArrayList<>();
        boolean[] diskFirst = new boolean[1];
        f.onWait = () -> {
            for (int i = 0; i < 3; i++) {
                String t = tape.get(i);
                if ("RELEASED".equals(state("tape-" + i)) && !f.availableOn(t, "DISK_A")) {
                    violations.add("tape-" + i + " released before " + t + " was on DISK_A");
                }
                if (f.availableOn(t, "DISK_A") && f.b.count("""
                        MATCH (c:CampaignFile {did_key: $key, state: 'STAGED'}) RETURN count(c)""", Map.of("key", t)) == 0) {
                    violations.add(t + " copied to DISK_A before its campaign staged it");
                }
            }
            if (List.of(0, 1, 2).stream().allMatch(i -> "RELEASED".equals(state("disk-" + i)))
                    && List.of(0, 1, 2).stream().allMatch(i -> "HELD".equals(state("tape-" + i)))) {
                diskFirst[0] = true;
            }
        };

        TaskRegistrar.Registered registered = f.registrar.register(BridgeFixture.listed("t1", inputs, "DISK_A", jobs), "jdoe");

        Task task = f.service.task("t1");
        assertThat(task.campaignId()).isNotNull();
        assertThat(campaigns()).isEqualTo(1);
        Campaign c = f.campaigns.get(task.campaignId());
        assertThat(c.inputs()).containsExactlyElementsOf(tape);
        assertThat(c.destinationExpression()).isEqualTo("DISK_A");
        assertThat(c.pinLifetime().toSeconds()).isEqualTo(3600);
        assertThat(c.target().datasetKey()).isEqualTo(task.datasetKey());
        assertThat(c.target().ruleId()).isEqualTo(task.ruleId());
        assertThat(c.target().owned()).isFalse();
        assertThat(c.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(c.staged().files()).isEqualTo(3);
        assertThat(registered.created()).isTrue();
        assertThat(diskFirst[0]).as("disk-input jobs released while the tape-input jobs were held").isTrue();
        assertThat(violations).isEmpty();
        // Every job is released now, each input on the task's disk, the tape ones copied from the tape.
        jobs.keySet().forEach(j -> assertThat(state(j)).as(j).isEqualTo("RELEASED"));
        tape.forEach(t -> assertThat(f.availableOn(t, "DISK_A")).isTrue());
        assertThat(f.b.count("MATCH (q:Request {state: 'DONE', source_rse: $tape}) RETURN count(q)",
                Map.of("tape", TapeTaskFixture.TAPE))).isEqualTo(3);
        assertThat(f.service.campaign(task).orElseThrow().copies().copied().files()).isEqualTo(3);

        // Registering again answers the task: no second campaign.
        assertThat(f.registrar.register(BridgeFixture.listed("t1", inputs, "DISK_A", jobs), "jdoe").created()).isFalse();
        assertThat(campaigns()).isEqualTo(1);
    }

    @Test
    void cancellingTheTaskCancelsItsCampaign() {
        List<String> tape = f.files("t", 4, 2_000, TapeTaskFixture.TAPE);
        f.onWait = () -> f.campaigns.ids(java.util.EnumSet.of(CampaignState.RUNNING))
                .forEach(id -> f.campaignService.pause(id));
        f.registrar.register(BridgeFixture.split("t1", tape, "DISK_A", 1), "jdoe");
        Task task = f.service.task("t1");
        assertThat(f.campaigns.get(task.campaignId()).state()).isEqualTo(CampaignState.PAUSED);

        f.ender.cancel("t1");

        assertThat(f.campaigns.get(task.campaignId()).state()).isEqualTo(CampaignState.CANCELLED);
        assertThat(f.b.count("MATCH (r:Rule) RETURN count(r)", Map.of())).isZero();
    }

    @Test
    void aFileWhoseJobsEndedBeforeItWasStagedIsNeverAttachedToTheTasksDataset() {
        List<String> tape = f.files("t", 2, 2_000, TapeTaskFixture.TAPE);
        f.onWait = () -> f.campaigns.ids(java.util.EnumSet.of(CampaignState.RUNNING))
                .forEach(id -> f.campaignService.pause(id));
        f.registrar.register(BridgeFixture.listed("t1", tape, "DISK_A", oneJobPerFile("j", tape)), "jdoe");
        Task task = f.service.task("t1");
        assertThat(f.campaigns.get(task.campaignId()).staged().files()).isLessThan(2);
        assertThat(f.inDataset(task.datasetKey(), tape.get(0))).isFalse();

        f.ender.endJob("j0", TaskEnder.EndState.CANCELLED);
        f.onWait = () -> { };
        f.campaignService.resume(task.campaignId());

        Campaign done = f.campaigns.get(task.campaignId());
        assertThat(done.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(done.staged().files()).isEqualTo(2);
        assertThat(f.inDataset(task.datasetKey(), tape.get(0))).as("its only job had ended").isFalse();
        assertThat(f.availableOn(tape.get(0), "DISK_A")).isFalse();
        assertThat(f.inDataset(task.datasetKey(), tape.get(1))).isTrue();
        assertThat(state("j1")).isEqualTo("RELEASED");
        assertThat(f.service.campaign(task).orElseThrow().copies().leftOut().files()).isEqualTo(1);
    }

    @Test
    void tapeRsesWithoutAnEndpointKeepTheRulesOwnTransfers() {
        List<String> old = f.files("o", 2, 1_000, "OLD_TAPE");
        f.registrar.register(BridgeFixture.split("t1", old, "DISK_A", 1), "jdoe");
        Task task = f.service.task("t1");
        assertThat(task.campaignId()).isNull();
        assertThat(campaigns()).isZero();
        old.forEach(k -> assertThat(f.inDataset(task.datasetKey(), k)).isTrue());
    }

    @Test
    void aRetriedRegistrationStartsTheCampaignACrashLeftUnmade() {
        List<String> disk = f.files("d", 1, 1_000, "SRC");
        List<String> tape = f.files("t", 2, 1_000, TapeTaskFixture.TAPE);
        List<String> inputs = new ArrayList<>(disk);
        inputs.addAll(tape);
        Map<String, List<String>> jobs = oneJobPerFile("disk-", disk);
        jobs.putAll(oneJobPerFile("tape-", tape));
        f.onWait = () -> f.campaigns.ids(java.util.EnumSet.of(CampaignState.RUNNING))
                .forEach(id -> f.campaignService.pause(id));
        f.registrar.register(BridgeFixture.listed("t1", inputs, "DISK_A", jobs), "jdoe");
        // The state a crash after the task and its rule were written, before its campaign, leaves behind.
        String lost = f.service.task("t1").campaignId();
        f.campaignService.cancel(lost);
        store.write(tx -> tx.run("MATCH (t:BridgeTask {id: 't1'}) REMOVE t.campaign_id").consume());
        assertThat(f.service.task("t1").campaignId()).isNull();
        assertThat(state("tape-0")).isEqualTo("HELD");

        f.onWait = () -> { };
        assertThat(f.registrar.register(BridgeFixture.listed("t1", inputs, "DISK_A", jobs), "jdoe").created()).isFalse();

        Task task = f.service.task("t1");
        assertThat(task.campaignId()).isNotNull().isNotEqualTo(lost);
        // What the lost campaign had staged and attached before the crash is in the dataset; the rest is asked again.
        assertThat(f.campaigns.get(task.campaignId()).inputs()).isNotEmpty().isSubsetOf(tape);
        assertThat(f.campaigns.get(task.campaignId()).state()).isEqualTo(CampaignState.COMPLETED);
        jobs.keySet().forEach(j -> assertThat(state(j)).as(j).isEqualTo("RELEASED"));

        // Once mended, a further retry makes nothing new.
        f.registrar.register(BridgeFixture.listed("t1", inputs, "DISK_A", jobs), "jdoe");
        assertThat(campaigns()).isEqualTo(2);
        assertThat(f.service.task("t1").campaignId()).isEqualTo(task.campaignId());
    }
}
