package org.stevedore.tape.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.NewDid;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignFile;
import org.stevedore.tape.store.CampaignFileState;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.tape.store.NewCampaign;

/**
 * A campaign over files another running campaign is already staging (a task's inputs under a production manager's
 * campaign) waits on it: same stage requests, the other's window; it asks only for what no campaign covers.
 */
class CampaignJoinTest extends StoreTest {

    private static final CampaignSettings SETTINGS = new CampaignSettings(4, Duration.ofSeconds(5),
            Duration.ofMinutes(5), 7);

    private CampaignFixture fixture() {
        SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("campaign-");
        return new CampaignFixture(store, new Window(100, 1_000_000), SETTINGS, executor);
    }

    /** A dataset {@code name} holding {@code files} of other datasets. */
    private static void subset(CampaignFixture f, String name, List<String> files) {
        f.dids.add(List.of(NewDid.collection("run8", name, DidType.DATASET, "prod")));
        f.store.run("""
                MATCH (d:Did {key: $ds}) UNWIND $files AS n MATCH (x:Did {key: 'run8:' + n}) CREATE (d)-[:CONTAINS]->(x)
                """, Map.of("ds", "run8:" + name, "files", files));
    }

    private static Campaign await(CampaignFixture f, String id) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < until) {
            Campaign c = f.campaigns.get(id);
            if (c.state() == CampaignState.COMPLETED && !f.jobs.running(id)) {
                return c;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("campaign " + id + " did not complete: " + f.campaigns.get(id));
    }

    /** Submits from another thread: a job cannot be launched from inside another job's step (its transaction). */
    private static void outside(Runnable submit) {
        Thread t = new Thread(submit);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitExpanded(CampaignFixture f, String[] id) {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            if (id[0] != null && f.campaigns.get(id[0]).expanded()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("the second campaign did not expand");
    }

    @Test
    void aCampaignOverFilesAnotherIsStagingWaitsOnItAndAsksOnlyForTheRest() throws Exception {
        CampaignFixture f = fixture();
        List<String> big = f.dataset("big", 40, 1_000);
        List<String> own = f.dataset("own", 5, 1_000);
        List<String> shared = big.subList(0, 40).stream().filter(n -> n.hashCode() % 4 == 0).limit(10).toList();
        subset(f, "task", java.util.stream.Stream.concat(shared.stream(), own.stream()).toList());
        String[] taskCampaign = new String[1];
        // The manager's campaign, window 4, has asked for its first files when the task's campaign comes.
        f.endpoint.actAfter = 1;
        f.endpoint.action = () -> {
            outside(() -> taskCampaign[0] = f.service.submit(new NewCampaign("prod", List.of("run8:task"), "DISK_1",
                    Duration.ofDays(1), 5_000, 1_000_000, 3, null)).id());
            awaitExpanded(f, taskCampaign);
        };

        Campaign manager = f.service.submit(new NewCampaign("prod", List.of("run8:big"), "DISK_1", Duration.ofDays(1),
                4, 1_000_000, 8, null));

        Campaign m = await(f, manager.id());
        Campaign t = await(f, taskCampaign[0]);
        assertThat(m.staged().files()).isEqualTo(40);
        assertThat(t.staged().files()).isEqualTo(15);
        assertThat(t.failed().files()).isZero();
        assertThat(f.endpoint.stagedPaths).as("every file asked for once, by one campaign").hasSize(45)
                .doesNotHaveDuplicates();
        Map<String, String> managerRequests = f.campaigns.files().files(manager.id(), CampaignFileState.STAGED, 100)
                .stream().collect(Collectors.toMap(CampaignFile::name, CampaignFile::requestId));
        Map<String, CampaignFile> taskFiles = f.campaigns.files().files(taskCampaign[0], CampaignFileState.STAGED, 100)
                .stream().collect(Collectors.toMap(CampaignFile::name, Function.identity()));
        assertThat(shared).allSatisfy(n -> assertThat(taskFiles.get(n).requestId()).as("same stage request")
                .isEqualTo(managerRequests.get(n)));
        assertThat(f.campaignPins.held(taskCampaign[0])).as("the task's campaign holds the shared pins too")
                .isEqualTo(15);
        assertThat(f.endpoint.violations).as("the manager's window held").isEmpty();
    }

    @Test
    void filesLeftByACampaignThatStopsRunningAreAskedForByTheCampaignWaitingOnThem() throws Exception {
        CampaignFixture f = fixture();
        List<String> big = f.dataset("big", 20, 1_000);
        subset(f, "task", big.subList(0, 8));
        Campaign manager = f.campaigns.create(new NewCampaign("prod", List.of("run8:big"), "DISK_1",
                Duration.ofDays(1), 2, 1_000_000, 8, null));
        AtomicReference<String> task = new AtomicReference<>();
        f.endpoint.actAfter = 1;
        f.endpoint.action = () -> {
            String[] id = new String[1];
            outside(() -> id[0] = f.service.submit(new NewCampaign("prod", List.of("run8:task"), "DISK_1",
                    Duration.ofDays(1), 5_000, 1_000_000, 3, null)).id());
            awaitExpanded(f, id);
            f.service.pause(manager.id());
            task.set(id[0]);
        };

        f.jobs.launch(manager.id());
        while (task.get() == null) {
            Thread.sleep(20);
        }

        Campaign t = await(f, task.get());
        assertThat(t.staged().files()).isEqualTo(8);
        assertThat(t.failed().files()).isZero();
        assertThat(f.campaigns.get(manager.id()).state()).isEqualTo(CampaignState.PAUSED);
        Map<String, Long> asks = f.endpoint.stagedPaths.stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(asks.values()).allMatch(n -> n <= 2);
    }
}
