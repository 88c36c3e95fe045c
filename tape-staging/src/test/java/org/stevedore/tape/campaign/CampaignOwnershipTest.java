package org.stevedore.tape.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.HeartbeatStore;
import org.stevedore.catalog.daemon.Instance;
import org.stevedore.catalog.daemon.Instances;
import org.stevedore.catalog.daemon.WorkerId;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.tape.store.NewCampaign;

/**
 * Two instances of the service on one store and one job repository: a campaign runs on one of them (its owner,
 * claimed on the campaign); the other does not resume it while the owner beats, and takes it over, asking for no file
 * twice, once the owner's heartbeats have expired.
 */
class CampaignOwnershipTest extends StoreTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final CampaignSettings SETTINGS = new CampaignSettings(10, Duration.ofSeconds(5),
            Duration.ofMinutes(5), 7);

    @Test
    void oneInstanceRunsACampaignAndAnotherTakesItOverOnlyOnceTheFirstIsGone() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 1_000_000), SETTINGS);
        f.dataset("ds", 30, 1_000);
        HeartbeatStore heartbeats = new HeartbeatStore(store, f.clock, TIMEOUT);
        Instance a = new Instance("node-a", 4101);
        Instance b = new Instance("node-b", 977);
        CampaignJobs jobsA = f.jobsOf(new Instances(heartbeats, a));
        CampaignJobs jobsB = f.jobsOf(new Instances(heartbeats, b));
        WorkerId beatA = new WorkerId("campaign-resumer", a.host(), a.pid(), "campaign-resumer-0");
        WorkerId beatB = new WorkerId("campaign-resumer", b.host(), b.pid(), "campaign-resumer-0");
        Campaign c = f.campaigns.create(new NewCampaign("prod", List.of("run8:ds"), "DISK_1", Duration.ofDays(1), 30,
                1_000_000, 5, null));

        // Both start at once; A claims the campaign first and dies in it after its second stage request.
        heartbeats.beat(beatA);
        heartbeats.beat(beatB);
        f.endpoint.crashAfterCall = 2;
        assertThat(jobsA.resumeAll()).isEqualTo(1);
        int asked = f.endpoint.stagedPaths.size();
        assertThat(asked).isEqualTo(20);
        assertThat(f.campaigns.get(c.id()).state()).isEqualTo(CampaignState.RUNNING);

        // A still beats: B neither resumes it at its start-up nor takes it over later. (An explicit launch through B
        // would run it, as resuming a paused campaign through another instance must: see the last test.)
        heartbeats.beat(beatA);
        heartbeats.beat(beatB);
        assertThat(jobsB.resumeAll()).isZero();
        assertThat(jobsB.takeOverOrphans()).isZero();
        assertThat(f.endpoint.stagedPaths).hasSize(asked);
        assertThat(owner(c.id())).isEqualTo(a.key());

        // A's heartbeats expire; B's worker takes the campaign over and finishes it.
        f.clock.advance(TIMEOUT.plusSeconds(1));
        heartbeats.beat(beatB);
        assertThat(jobsB.takeOverOrphans()).isEqualTo(1);

        Campaign done = f.campaigns.get(c.id());
        assertThat(done.state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(done.staged().files()).isEqualTo(30);
        assertThat(done.failed().files()).isZero();
        assertThat(owner(c.id())).isEqualTo(b.key());
        assertThat(f.endpoint.stagedPaths).as("every stage request made once").hasSize(30).doesNotHaveDuplicates();
        assertThat(f.endpoint.violations).isEmpty();
    }

    @Test
    void anInstanceDoesNotTakeOverItsOwnOrAnUnownedCampaignAfterStartUp() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 1_000_000), SETTINGS);
        f.dataset("ds", 10, 1_000);
        HeartbeatStore heartbeats = new HeartbeatStore(store, f.clock, TIMEOUT);
        CampaignJobs jobsA = f.jobsOf(new Instances(heartbeats, new Instance("node-a", 4101)));
        Campaign c = f.campaigns.create(new NewCampaign("prod", List.of("run8:ds"), "DISK_1", Duration.ofDays(1), 30,
                1_000_000, 5, null));

        assertThat(jobsA.takeOverOrphans()).as("no owner: for the start-up's resumption, not a take-over").isZero();
        assertThat(jobsA.resumeAll()).isEqualTo(1);
        assertThat(f.campaigns.get(c.id()).state()).isEqualTo(CampaignState.COMPLETED);
    }

    @Test
    void aCampaignPausedOnOneInstanceAndResumedThroughAnotherRunsThere() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 1_000_000), SETTINGS);
        f.dataset("ds", 30, 1_000);
        HeartbeatStore heartbeats = new HeartbeatStore(store, f.clock, TIMEOUT);
        Instance a = new Instance("node-a", 4101);
        Instance b = new Instance("node-b", 977);
        CampaignJobs jobsA = f.jobsOf(new Instances(heartbeats, a));
        CampaignJobs jobsB = f.jobsOf(new Instances(heartbeats, b));
        Campaign c = f.campaigns.create(new NewCampaign("prod", List.of("run8:ds"), "DISK_1", Duration.ofDays(1), 30,
                1_000_000, 5, null));
        f.endpoint.actAfter = 1;
        f.endpoint.action = () -> f.campaigns.transition(c.id(), java.util.EnumSet.of(CampaignState.RUNNING),
                CampaignState.PAUSED);
        assertThat(jobsA.launch(c.id())).isNotNull();
        assertThat(f.campaigns.get(c.id()).state()).isEqualTo(CampaignState.PAUSED);

        // A lives on; the campaign is resumed through B: its job runs nowhere, so B takes it.
        heartbeats.beat(new WorkerId("campaign-resumer", a.host(), a.pid(), "campaign-resumer-0"));
        f.campaigns.transition(c.id(), java.util.EnumSet.of(CampaignState.PAUSED), CampaignState.RUNNING);
        assertThat(jobsB.launch(c.id())).isNotNull();

        assertThat(f.campaigns.get(c.id()).state()).isEqualTo(CampaignState.COMPLETED);
        assertThat(owner(c.id())).isEqualTo(b.key());
        assertThat(f.endpoint.stagedPaths).hasSize(30).doesNotHaveDuplicates();
    }

    private String owner(String campaignId) {
        return store.read(tx -> tx.run("MATCH (c:Campaign {id: $id}) RETURN c.owner AS owner",
                Map.of("id", campaignId)).single().get("owner").asString(null));
    }
}
