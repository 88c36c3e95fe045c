package org.stevedore.tape.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.tape.error.CampaignNotFound;
import org.stevedore.tape.store.Campaign.Counts;
import org.stevedore.tape.store.CampaignFileStore.Outcome;

class CampaignStoreTest extends StoreTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final CampaignStore campaigns = new CampaignStore(store, clock, StagedFileDemand.none());

    private Campaign campaign() {
        return campaigns.create(new NewCampaign("root", List.of("bmn:run8"), "LOCAL_DISK_A", Duration.ofDays(2),
                100, 1_000_000, 3, null));
    }

    private static CampaignFile pending(String name, long bytes, String tape, String path) {
        return new CampaignFile(null, "bmn:" + name, "bmn", name, bytes, tape, path, CampaignFileState.PENDING, null, null);
    }

    @Test
    void aNewCampaignIsRunningWithItsParametersAndZeroCounters() {
        Campaign c = campaign();
        Campaign read = campaigns.get(c.id());
        assertThat(read.state()).isEqualTo(CampaignState.RUNNING);
        assertThat(read.pinLifetime()).isEqualTo(Duration.ofDays(2));
        assertThat(read.windowFiles()).isEqualTo(100);
        assertThat(read.inputs()).containsExactly("bmn:run8");
        assertThat(read.total()).isEqualTo(Counts.ZERO);
        assertThatThrownBy(() -> campaigns.get("nope")).isInstanceOf(CampaignNotFound.class).hasMessageContaining("nope");
    }

    @Test
    void badParametersAreRefusedWithTheirName() {
        assertThatThrownBy(() -> new NewCampaign("root", List.of("a:b"), "X", Duration.ofDays(1), 0, 1, 3, null))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("window");
        assertThatThrownBy(() -> new NewCampaign("root", List.of("a:b"), "X", Duration.ofDays(1), 1, 1, 11, null))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("priority");
        assertThatThrownBy(() -> new NewCampaign("root", List.of(), "X", Duration.ofDays(1), 1, 1, 3, null))
                .isInstanceOf(InvalidObject.class).hasMessageContaining("input");
    }

    @Test
    void filesAreAddedOnceAndQueuedByTapeRseThenPath() {
        Campaign c = campaign();
        List<CampaignFile> files = List.of(pending("f3", 30, "TAPE_B", "/b/1"), pending("f1", 10, "TAPE_A", "/a/2"),
                pending("f2", 20, "TAPE_A", "/a/1"),
                new CampaignFile(null, "bmn:f4", "bmn", "f4", 40, null, null, CampaignFileState.FAILED, null, "no tape"));
        assertThat(campaigns.files().addFiles(c.id(), files)).isEqualTo(4);
        assertThat(campaigns.files().addFiles(c.id(), files)).isZero();

        Campaign read = campaigns.get(c.id());
        assertThat(read.total()).isEqualTo(new Counts(4, 100));
        assertThat(read.failed()).isEqualTo(new Counts(1, 40));
        assertThat(campaigns.files().pendingByTapeRse(c.id())).containsExactly(Map.entry("TAPE_A", new Counts(2, 30)),
                Map.entry("TAPE_B", new Counts(1, 30)));
        assertThat(campaigns.files().pending(c.id(), "TAPE_A", null, 10)).extracting(CampaignFile::path)
                .containsExactly("/a/1", "/a/2");
        assertThat(campaigns.files().pending(c.id(), "TAPE_A", "/a/1", 10)).extracting(CampaignFile::path)
                .containsExactly("/a/2");
        assertThat(campaigns.files().files(c.id(), CampaignFileState.FAILED, 10)).singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("no tape"));
    }

    @Test
    void requestedThenSettledFilesMoveTheCountersOnceOnly() {
        Campaign c = campaign();
        campaigns.files().addFiles(c.id(), List.of(pending("f1", 10, "T", "/1"), pending("f2", 20, "T", "/2"),
                pending("f3", 30, "T", "/3")));
        List<String> keys = campaigns.files().pending(c.id(), "T", null, 10).stream().map(CampaignFile::key).toList();
        assertThat(campaigns.files().requested(c.id(), keys.subList(0, 2), "req-1")).isEqualTo(2);
        assertThat(campaigns.files().requested(c.id(), keys.subList(0, 2), "req-2")).as("already requested").isZero();
        assertThat(campaigns.files().inFlightByTapeRse(c.id())).containsExactly(Map.entry("T", new Counts(2, 30)));
        assertThat(campaigns.files().outstanding(c.id()))
                .containsExactly(new CampaignFileStore.OutstandingRequest("req-1", "T"));
        assertThat(campaigns.files().requestedIn(c.id(), "req-1")).containsOnlyKeys("/1", "/2");

        clock.advance(Duration.ofSeconds(10));
        List<Outcome> outcomes = List.of(new Outcome(keys.get(0), true, null), new Outcome(keys.get(1), false, "tape lost"));
        assertThat(campaigns.files().settle(c.id(), outcomes)).containsEntry("T", new Counts(2, 30));
        assertThat(campaigns.files().settle(c.id(), outcomes)).as("a repeated poll").isEmpty();

        Campaign read = campaigns.get(c.id());
        assertThat(read.requested()).isEqualTo(new Counts(2, 30));
        assertThat(read.staged()).isEqualTo(new Counts(1, 10));
        assertThat(read.failed()).isEqualTo(new Counts(1, 20));
        assertThat(campaigns.files().stagedSince(c.id(), clock.instant().minusSeconds(1))).isEqualTo(new Counts(1, 10));
        assertThat(campaigns.files().files(c.id(), CampaignFileState.FAILED, 10)).singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("tape lost"));

        campaigns.files().markExpanded(c.id());
        assertThat(campaigns.completeIfDone(c.id())).as("f3 is still pending").isFalse();
        assertThat(campaigns.files().failOpen(c.id(), "cancelled")).isEqualTo(1);
        assertThat(campaigns.completeIfDone(c.id())).isTrue();
        assertThat(campaigns.get(c.id()).completedAt()).isNotNull();
    }

    @Test
    void onlyAllowedTransitionsHappen() {
        Campaign c = campaign();
        assertThat(campaigns.transition(c.id(), EnumSet.of(CampaignState.RUNNING), CampaignState.PAUSED)).isTrue();
        assertThat(campaigns.transition(c.id(), EnumSet.of(CampaignState.RUNNING), CampaignState.PAUSED)).isFalse();
        assertThat(campaigns.ids(EnumSet.of(CampaignState.PAUSED))).containsExactly(c.id());
        assertThatThrownBy(() -> campaigns.transition("nope", EnumSet.of(CampaignState.RUNNING), CampaignState.PAUSED))
                .isInstanceOf(CampaignNotFound.class);
        List<Campaign> listed = new ArrayList<>();
        campaigns.list(CampaignState.PAUSED, null, listed::add);
        assertThat(listed).extracting(Campaign::id).containsExactly(c.id());
    }

    @Test
    void campaignsArePastTheirDeadlineOnceItComesAndExpiredOnesUntilNoFileIsLeftOpen() {
        Campaign early = campaigns.create(new NewCampaign("root", List.of("bmn:run8"), "X", Duration.ofDays(2), 100,
                1_000_000, 3, clock.instant().plus(Duration.ofHours(1))));
        Campaign late = campaigns.create(new NewCampaign("root", List.of("bmn:run8"), "X", Duration.ofDays(2), 100,
                1_000_000, 3, clock.instant().plus(Duration.ofHours(2))));
        Campaign none = campaign();
        campaigns.files().addFiles(early.id(), List.of(pending("f1", 10, "T", "/1"), pending("f2", 20, "T", "/2")));

        assertThat(campaigns.pastDeadline(10)).isEmpty();
        clock.advance(Duration.ofHours(1));
        assertThat(campaigns.pastDeadline(10)).containsExactly(early.id());
        clock.advance(Duration.ofHours(5));
        assertThat(campaigns.pastDeadline(10)).containsExactly(early.id(), late.id());
        assertThat(campaigns.pastDeadline(1)).containsExactly(early.id());

        campaigns.transition(early.id(), EnumSet.of(CampaignState.RUNNING), CampaignState.EXPIRED);
        campaigns.transition(late.id(), EnumSet.of(CampaignState.RUNNING), CampaignState.CANCELLED);
        assertThat(campaigns.pastDeadline(10)).as("expired with two files open").containsExactly(early.id());
        assertThat(campaigns.files().failOpen(early.id(), "deadline passed")).isEqualTo(2);
        assertThat(campaigns.pastDeadline(10)).isEmpty();
        assertThat(campaigns.get(early.id()).state().finished()).isTrue();
        assertThat(campaigns.get(none.id()).deadline()).isNull();
    }

    @Test
    void candidatesAreStagedFromTapesAndFromDisksThatRequireStagingButNotFromPlainDisks() {
        org.stevedore.catalog.rse.RseStore rses = new org.stevedore.catalog.rse.RseStore(store, clock);
        org.stevedore.catalog.did.DidStore dids = new org.stevedore.catalog.did.DidStore(store, clock);
        org.stevedore.catalog.replica.ReplicaStore replicas = new org.stevedore.catalog.replica.ReplicaStore(store, clock,
                dids, new org.stevedore.catalog.did.AttachmentStore(store, clock,
                new org.stevedore.catalog.did.UpdatedDidQueue(store)));
        new org.stevedore.catalog.account.AccountStore(store, clock).add("prod",
                org.stevedore.catalog.account.AccountType.USER, null);
        new org.stevedore.catalog.scope.ScopeStore(store, clock).add("bmn", "prod");
        rses.add("TAPE_A", Map.of("rse_type", "TAPE"));
        rses.add("BUFFERED");
        rses.setAttributes("BUFFERED", Map.of("staging_required", "True"));
        rses.add("PLAIN");
        rses.add("NOT_REQUIRED");
        rses.setAttributes("NOT_REQUIRED", Map.of("staging_required", false));
        dids.add(List.of(org.stevedore.catalog.did.NewDid.collection("bmn", "ds",
                org.stevedore.catalog.did.DidType.DATASET, "prod")));
        org.stevedore.catalog.did.DidRef ds = new org.stevedore.catalog.did.DidRef("bmn", "ds");
        for (String rse : List.of("TAPE_A", "BUFFERED", "PLAIN", "NOT_REQUIRED")) {
            replicas.add(rse, List.of(org.stevedore.catalog.replica.NewReplica.of("bmn", "f." + rse, 10, "00000001")),
                    "prod", true, ds);
        }

        Map<String, List<String>> from = new java.util.TreeMap<>();
        campaigns.files().candidates(List.of("bmn:ds"), c -> from.put(c.name(),
                c.tapeCopies().stream().map(CampaignFileStore.TapeCopy::rse).toList()));

        assertThat(from).containsEntry("f.TAPE_A", List.of("TAPE_A")).containsEntry("f.BUFFERED", List.of("BUFFERED"))
                .containsEntry("f.PLAIN", List.of()).containsEntry("f.NOT_REQUIRED", List.of());
    }
}
