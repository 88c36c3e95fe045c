package org.stevedore.tape.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.tape.emulator.TapeEmulator;
import org.stevedore.tape.emulator.TapeEmulatorSettings;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignFileState;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.tape.store.NewCampaign;

/**
 * Campaigns killed around a stage call: between the call and its record, and with a request the endpoint forgot.
 * Every file ends staged; none is asked for twice where the endpoint can find a request again, and at most once more
 * where it cannot (the WLCG Tape REST API v1).
 */
class CampaignCrashTest extends StoreTest {

    private static final CampaignSettings SETTINGS = new CampaignSettings(10, Duration.ofSeconds(5),
            Duration.ofMinutes(5), 7);

    private static NewCampaign campaign(List<String> inputs) {
        return new NewCampaign("prod", inputs, "DISK_1", Duration.ofDays(1), 30, 1_000_000, 5, null);
    }

    private static Map<String, Long> asks(WatchedEndpoint endpoint) {
        return endpoint.stagedPaths.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    @Test
    void aCrashBetweenTheStageCallAndItsRecordLosesNoFileAndAsksNoneTwice() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 1_000_000), SETTINGS);
        f.dataset("ds", 30, 1_000);
        f.endpoint.crashAfterCall = 2;

        Campaign c = f.service.submit(campaign(List.of("run8:ds")));

        assertThat(f.repository.getLastJobExecution(CampaignJobs.JOB, CampaignJobs.parameters(c.id())).getStatus())
                .isEqualTo(BatchStatus.FAILED);
        assertThat(f.campaigns.files().files(c.id(), CampaignFileState.SUBMITTING, 100)).as("recorded before the call")
                .hasSize(10);

        JobExecution again = f.jobs.launch(c.id());

        assertThat(again.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        Campaign done = f.campaigns.get(c.id());
        assertThat(done.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(done.staged().files()).isEqualTo(30);
        assertThat(done.failed().files()).isZero();
        assertThat(done.requested().files()).isEqualTo(30);
        assertThat(f.endpoint.stagedPaths).as("each file asked for once").hasSize(30).doesNotHaveDuplicates();
        assertThat(f.endpoint.violations).isEmpty();
    }

    @Test
    void whereTheEndpointCannotFindTheRequestAgainItsFilesAreAskedForOnceMore() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 1_000_000), SETTINGS);
        f.dataset("ds", 30, 1_000);
        f.endpoint.findsRequests = false;
        f.endpoint.crashAfterCall = 2;
        Campaign c = f.service.submit(campaign(List.of("run8:ds")));
        List<String> lost = f.campaigns.files().files(c.id(), CampaignFileState.SUBMITTING, 100).stream()
                .map(x -> x.path()).toList();
        assertThat(lost).hasSize(10);

        f.jobs.launch(c.id());

        Campaign done = f.campaigns.get(c.id());
        assertThat(done.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(done.staged().files()).isEqualTo(30);
        assertThat(done.failed().files()).isZero();
        Map<String, Long> asks = asks(f.endpoint);
        assertThat(asks).hasSize(30);
        assertThat(asks.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("only the files of the request made before the crash, once more")
                .containsExactlyInAnyOrderElementsOf(lost);
        assertThat(asks.values()).allMatch(n -> n <= 2);
    }

    @Test
    void filesOfARequestTheEndpointForgotAreAskedForAgainNotFailed() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 1_000_000), SETTINGS);
        List<String> names = f.dataset("ds", 30, 1_000);
        // After the first request, the endpoint restarts and forgets it (the service's emulator does on a restart).
        TapeEmulator fresh = TapeEmulator.inMemory(new TapeEmulatorSettings(2, Duration.ofSeconds(5), 100,
                Duration.ZERO, 1_000_000_000L, 1_000_000L), f.clock);
        for (String n : names) {
            fresh.register(f.replicas.get(new DidRef("run8", n), CampaignFixture.TAPE).path(), 1_000);
        }
        f.endpoint.actAfter = 1;
        f.endpoint.action = () -> f.endpoint.delegate = fresh;

        Campaign c = f.service.submit(campaign(List.of("run8:ds")));

        Campaign done = f.campaigns.get(c.id());
        assertThat(done.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(done.failed().files()).isZero();
        assertThat(done.staged().files()).isEqualTo(30);
        assertThat(asks(f.endpoint).values()).allMatch(n -> n <= 2);
    }
}
