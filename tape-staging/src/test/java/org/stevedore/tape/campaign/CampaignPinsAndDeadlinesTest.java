package org.stevedore.tape.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.Grouping;
import org.stevedore.rules.store.NewRule;
import org.stevedore.rules.store.Notify;
import org.stevedore.rules.store.PlannedLock;
import org.stevedore.rules.store.RuleChanges;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.tape.endpoint.StageState;
import org.stevedore.tape.pin.PinReleaser;
import org.stevedore.tape.store.Campaign;
import org.stevedore.tape.store.CampaignFile;
import org.stevedore.tape.store.CampaignFileState;
import org.stevedore.tape.store.CampaignState;
import org.stevedore.tape.store.NewCampaign;
import org.stevedore.tape.store.Pin;
import org.stevedore.transfer.store.RequestQueue;

/**
 * Campaigns end to end against the emulated tape and the real store: the pins of what they stage, the pin releaser
 * letting those go at the tape when neither the campaign nor a rule needs them, and the deadline.
 */
class CampaignPinsAndDeadlinesTest extends StoreTest {

    private static final CampaignSettings SETTINGS = new CampaignSettings(4, Duration.ofSeconds(5),
            Duration.ofMinutes(5), 7);
    private static final Duration PIN_LIFETIME = Duration.ofDays(1);

    private static NewCampaign campaign(long windowFiles, Instant deadline) {
        return new NewCampaign("prod", List.of("run8:ds"), "DISK_1", PIN_LIFETIME, windowFiles, 1_000_000, 5, deadline);
    }

    private static PinReleaser releaser(CampaignFixture f) {
        return new PinReleaser(f.pins, f.endpoints, 1_000);
    }

    /** The emulator pins a file while a stage request holds it on its buffer. */
    private static long pinnedAtTape(CampaignFixture f, List<CampaignFile> files) {
        return files.stream().filter(x -> f.emulator.pinned(x.path())).count();
    }

    @Test
    void stagedFilesArePinnedUnderTheirRequestAndReleasedAtTheTapeWhenTheCampaignsLifetimeRunsOut() throws Exception {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 100_000), SETTINGS);
        f.dataset("ds", 10, 1_000);

        Campaign c = f.service.submit(campaign(8, null));

        assertThat(f.campaigns.get(c.id()).state()).isEqualTo(CampaignState.COMPLETED);
        List<CampaignFile> staged = f.campaigns.files().files(c.id(), CampaignFileState.STAGED, 100);
        assertThat(staged).hasSize(10);
        Map<String, CampaignFile> byKey = staged.stream().collect(Collectors.toMap(CampaignFile::didKey, Function.identity()));
        List<Pin> pins = f.pins.pinsOn(CampaignFixture.TAPE);
        assertThat(pins).hasSize(10).allSatisfy(p -> {
            CampaignFile file = byKey.get(p.file().key());
            assertThat(p.requestId()).isEqualTo(file.requestId());
            assertThat(p.path()).isEqualTo(file.path());
            assertThat(p.heldUntil()).isAfter(f.clock.instant().plus(PIN_LIFETIME).minus(Duration.ofHours(1)));
        });
        assertThat(f.campaignPins.held(c.id())).isEqualTo(10);
        assertThat(pinnedAtTape(f, staged)).isEqualTo(10);

        assertThat(releaser(f).runOnce(Partition.whole()).items()).as("held by the campaign, no rule").isZero();
        f.clock.advance(PIN_LIFETIME.minusHours(2));
        assertThat(releaser(f).runOnce(Partition.whole()).items()).isZero();
        assertThat(pinnedAtTape(f, staged)).isEqualTo(10);

        f.clock.advance(Duration.ofHours(2));
        assertThat(releaser(f).runOnce(Partition.whole()).items()).isEqualTo(10);

        assertThat(f.pins.pinsOn(CampaignFixture.TAPE)).isEmpty();
        assertThat(pinnedAtTape(f, staged)).as("the emulator's buffer lets them go").isZero();
    }

    @Test
    void aRuleLockingAStagedReplicaKeepsItsPinAfterTheCampaignUntilTheLockGoes() throws Exception {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 100_000), SETTINGS);
        List<String> names = f.dataset("ds", 4, 1_000);
        DidRef locked = new DidRef("run8", names.get(0));
        RuleStore rules = new RuleStore(store, f.clock, new RequestQueue());
        String tapeId = f.rses.get(CampaignFixture.TAPE).id();
        NewRule rule = new NewRule("rule-1", locked, DidType.FILE, "prod", 1, CampaignFixture.TAPE, Grouping.NONE, null,
                false, null, "Staging", Notify.N, false, false, null, 3, null, RuleState.REPLICATING, null);
        store.write(tx -> rules.insertIn(tx, rule, 1_000, List.of(new PlannedLock(locked.key(), locked.scope(),
                locked.name(), 1_000, tapeId, CampaignFixture.TAPE, null, true, null))));

        Campaign c = f.service.submit(campaign(8, null));
        assertThat(f.campaigns.get(c.id()).state()).isEqualTo(CampaignState.COMPLETED);
        f.clock.advance(PIN_LIFETIME);

        assertThat(releaser(f).runOnce(Partition.whole()).items()).isEqualTo(3);
        assertThat(f.pins.pinsOn(CampaignFixture.TAPE)).extracting(Pin::file).containsExactly(locked);
        String path = f.pins.pinsOn(CampaignFixture.TAPE).get(0).path();
        // The stage request asked the tape for the rule's lifetime (no expiry: the 7-day cap) for this file, not the
        // campaign's day, so the tape still holds the copy the catalog counts as pinned.
        assertThat(f.emulator.pinned(path)).as("the tape keeps the rule's copy past the campaign's lifetime").isTrue();

        new RuleChanges(rules, f.clock).delete("rule-1", false);
        assertThat(releaser(f).runOnce(Partition.whole()).items()).isEqualTo(1);
        assertThat(f.pins.pinsOn(CampaignFixture.TAPE)).isEmpty();
        assertThat(f.emulator.pinned(path)).isFalse();
    }

    @Test
    void cancellingDropsTheCampaignsHoldsButNotThoseOfAnotherCampaign() throws Exception {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 100_000), SETTINGS);
        f.dataset("ds", 16, 1_000);
        String[] id = new String[1];
        f.endpoint.actAfter = 2;
        f.endpoint.action = () -> f.service.pause(id[0]);
        Campaign a = f.campaigns.create(campaign(4, null));
        id[0] = a.id();
        f.jobs.launch(a.id());
        assertThat(f.campaigns.get(a.id()).state()).isEqualTo(CampaignState.PAUSED);
        f.endpoint.actAfter = -1;

        Campaign cancelled = f.service.cancel(a.id());

        long stagedByA = cancelled.staged().files();
        assertThat(stagedByA).isPositive();
        assertThat(f.campaignPins.held(a.id())).isZero();
        assertThat(f.pins.pinsOn(CampaignFixture.TAPE)).hasSize((int) stagedByA);
        assertThat(releaser(f).runOnce(Partition.whole()).items()).as("nothing else needs them").isEqualTo(stagedByA);
        assertThat(pinnedAtTape(f, f.campaigns.files().files(a.id(), CampaignFileState.STAGED, 100))).isZero();

        // Another campaign stages everything; a third one, cancelled, does not take the second's pins with it.
        Campaign b = f.service.submit(campaign(8, null));
        assertThat(f.campaigns.get(b.id()).state()).isEqualTo(CampaignState.COMPLETED);
        f.endpoint.actAfter = f.endpoint.stageCalls + 1;
        Campaign third = f.campaigns.create(campaign(4, null));
        id[0] = third.id();
        f.jobs.launch(third.id());
        f.service.cancel(third.id());

        assertThat(releaser(f).runOnce(Partition.whole()).items()).isZero();
        assertThat(f.pins.pinsOn(CampaignFixture.TAPE)).hasSize(16);
    }

    @Test
    void atItsDeadlineARunningCampaignStopsCancelsItsRecallsFailsTheRestAndKeepsItsPins() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 100_000), SETTINGS);
        f.dataset("ds", 40, 1_000);
        Instant deadline = f.clock.instant().plusSeconds(60);
        Campaign c = f.campaigns.create(campaign(8, deadline));

        JobExecution run = f.jobs.launch(c.id());

        assertThat(run.getStatus()).isEqualTo(BatchStatus.STOPPED);
        Campaign expired = f.campaigns.get(c.id());
        assertThat(expired.state()).isEqualTo(CampaignState.EXPIRED);
        assertThat(expired.state().finished()).isTrue();
        String reason = "deadline " + deadline + " passed";
        assertThat(expired.error()).isEqualTo(reason);
        assertThat(expired.staged().files()).isBetween(1L, 39L);
        assertThat(expired.staged().files() + expired.failed().files()).isEqualTo(40);
        assertThat(f.service.failures(c.id(), 100)).hasSize((int) expired.failed().files())
                .allSatisfy(x -> assertThat(x.reason()).isEqualTo(reason));
        assertThat(f.endpoint.stagedPaths).as("nothing asked for after the deadline").hasSizeLessThan(40);
        long cancelledAtTape = f.campaigns.files().files(c.id(), CampaignFileState.FAILED, 100).stream()
                .filter(x -> x.requestId() != null)
                .filter(x -> f.emulator.status(x.requestId()).files().stream()
                        .anyMatch(s -> s.path().equals(x.path()) && s.state() == StageState.CANCELLED))
                .count();
        assertThat(cancelledAtTape).isPositive();
        assertThat(f.pins.pinsOn(CampaignFixture.TAPE)).hasSize((int) expired.staged().files());
        assertThat(f.campaignPins.held(c.id())).isEqualTo(expired.staged().files());
        assertThat(f.service.progress(c.id()).eta()).isEqualTo(Duration.ZERO);
    }

    @Test
    void theDeadlineWorkerExpiresAPausedCampaignAndLeavesOthersAlone() {
        CampaignFixture f = new CampaignFixture(store, new Window(100, 100_000), SETTINGS);
        f.dataset("ds", 24, 1_000);
        String[] id = new String[1];
        f.endpoint.actAfter = 2;
        f.endpoint.action = () -> f.service.pause(id[0]);
        Instant deadline = f.clock.instant().plus(Duration.ofHours(1));
        Campaign c = f.campaigns.create(campaign(8, deadline));
        id[0] = c.id();
        f.jobs.launch(c.id());
        Campaign other = f.campaigns.create(campaign(8, null));
        CampaignDeadlines worker = new CampaignDeadlines(f.campaigns, f.service, 10);

        assertThat(worker.runOnce(Partition.whole()).items()).isZero();
        f.clock.advance(Duration.ofHours(1));
        assertThat(worker.runOnce(Partition.whole()).items()).isEqualTo(1);

        Campaign expired = f.campaigns.get(c.id());
        assertThat(expired.state()).isEqualTo(CampaignState.EXPIRED);
        assertThat(expired.remainingFiles()).isZero();
        assertThat(f.service.failures(c.id(), 100)).isNotEmpty()
                .allSatisfy(x -> assertThat(x.reason()).isEqualTo("deadline " + deadline + " passed"));
        assertThat(f.campaigns.get(other.id()).state()).isEqualTo(CampaignState.RUNNING);
        assertThat(worker.runOnce(Partition.whole()).items()).as("nothing left to do").isZero();
        assertThat(worker.runOnce(new Partition(0, 2)).items() + worker.runOnce(new Partition(1, 2)).items()).isZero();
    }
}
