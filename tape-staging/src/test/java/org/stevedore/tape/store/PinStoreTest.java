package org.stevedore.tape.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.error.InvalidValueForKey;
import org.stevedore.catalog.error.RSENotFound;
import org.stevedore.catalog.error.ReplicaNotFound;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaStore;
import org.stevedore.catalog.rse.RseStore;
import org.stevedore.catalog.testing.Fixtures;
import org.stevedore.catalog.testing.MutableClock;
import org.stevedore.catalog.testing.StoreTest;
import org.stevedore.rules.store.Grouping;
import org.stevedore.rules.store.NewRule;
import org.stevedore.rules.store.Notify;
import org.stevedore.rules.store.PlannedLock;
import org.stevedore.rules.store.RuleChanges;
import org.stevedore.rules.store.RuleState;
import org.stevedore.rules.store.RuleStore;
import org.stevedore.transfer.store.RequestQueue;

class PinStoreTest extends StoreTest {

    private static final Duration WEEK = Duration.ofDays(7);
    private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
    private final Instant t0 = clock.instant();
    private final DidRef f1 = new DidRef("bmn", "f1");
    private final DidRef f2 = new DidRef("bmn", "f2");
    private final DidRef f3 = new DidRef("bmn", "f3");
    private PinStore pins;
    private RuleStore rules;
    private RseStore rses;
    private String tapeId;

    @BeforeEach
    void setUp() {
        pins = new PinStore(store, clock);
        rules = new RuleStore(store, clock, new RequestQueue());
        rses = new RseStore(store, clock);
        DidStore dids = new DidStore(store, clock);
        ReplicaStore replicas = new ReplicaStore(store, clock, dids,
                new AttachmentStore(store, clock, new UpdatedDidQueue(store)));
        Fixtures.scope(store, "bmn", "prod");
        tapeId = Fixtures.rse(store, "TAPE1", true);
        replicas.add("TAPE1", List.of(NewReplica.of("bmn", "f1", 10, "00000001"), NewReplica.of("bmn", "f2", 20, "00000002"),
                NewReplica.of("bmn", "f3", 30, "00000003")), "prod", false, null);
    }

    /** A rule on one file that locks its replica on TAPE1. */
    private String rule(DidRef file, Instant expiresAt) {
        String id = "rule-" + file.name() + "-" + (expiresAt == null ? "forever" : expiresAt.getEpochSecond());
        NewRule rule = new NewRule(id, file, DidType.FILE, "prod", 1, "TAPE1|" + id, Grouping.NONE, null, false, null,
                "Staging", Notify.N, false, false, null, 3, null, RuleState.REPLICATING, expiresAt);
        PlannedLock lock = new PlannedLock(file.key(), file.scope(), file.name(), 10, tapeId, "TAPE1", null, true, null);
        store.write(tx -> rules.insertIn(tx, rule, 10, List.of(lock)));
        return id;
    }

    private static List<PinTarget> targets(String request, DidRef... files) {
        List<PinTarget> targets = new ArrayList<>();
        for (DidRef f : files) {
            targets.add(new PinTarget(f, request, "/tape/" + f.name()));
        }
        return targets;
    }

    @Test
    void aPinLastsAsLongAsTheLatestRuleLockingTheReplicaWithinTheFallbackCap() {
        rule(f1, t0.plus(Duration.ofDays(2)));
        rule(f1, t0.plus(Duration.ofDays(3)));
        rule(f2, t0.plus(Duration.ofDays(30)));
        rule(f3, null);

        List<Pin> written = pins.pin("TAPE1", targets("req-1", f1, f2, f3), WEEK);

        assertThat(written).extracting(Pin::file, Pin::expiresAt).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(f1, t0.plus(Duration.ofDays(3))),
                org.assertj.core.groups.Tuple.tuple(f2, t0.plus(WEEK)),
                org.assertj.core.groups.Tuple.tuple(f3, t0.plus(WEEK)));
        assertThat(pins.pinsOn("TAPE1")).extracting(Pin::requestId, Pin::path, Pin::pinnedAt)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("req-1", "/tape/f1", t0),
                        org.assertj.core.groups.Tuple.tuple("req-1", "/tape/f2", t0),
                        org.assertj.core.groups.Tuple.tuple("req-1", "/tape/f3", t0));
    }

    @Test
    void theRseAttributeCapsThePinInsteadOfTheFallback() {
        rule(f1, t0.plus(Duration.ofDays(30)));
        rule(f2, t0.plus(Duration.ofHours(1)));
        rses.setAttribute("TAPE1", PinStore.MAX_PIN_LIFETIME, 86_400L);

        assertThat(pins.lifetimes("TAPE1", List.of(f1, f2), WEEK))
                .containsExactlyInAnyOrderEntriesOf(Map.of(f1, Duration.ofDays(1), f2, Duration.ofHours(1)));
        rses.setAttribute("TAPE1", PinStore.MAX_PIN_LIFETIME, "7200");
        assertThat(pins.lifetimes("TAPE1", List.of(f1), WEEK)).containsEntry(f1, Duration.ofHours(2));
    }

    @Test
    void aReplicaNoRuleLocksGetsNoLifetime() {
        assertThat(pins.lifetimes("TAPE1", List.of(f1), WEEK)).containsEntry(f1, Duration.ZERO);
    }

    @Test
    void aMalformedCapIsRefusedNamingTheAttribute() {
        rses.setAttribute("TAPE1", PinStore.MAX_PIN_LIFETIME, "two days");

        assertThatThrownBy(() -> pins.lifetimes("TAPE1", List.of(f1), WEEK)).isInstanceOf(InvalidValueForKey.class)
                .hasMessageContaining("max_pin_lifetime").hasMessageContaining("two days");
    }

    @Test
    void pinningIsAllOrNothing() {
        rule(f1, null);
        DidRef stranger = new DidRef("bmn", "not-there");

        assertThatThrownBy(() -> pins.pin("TAPE1", targets("req-1", f1, stranger), WEEK))
                .isInstanceOf(ReplicaNotFound.class).hasMessageContaining("bmn:not-there");
        assertThatThrownBy(() -> pins.pin("NO_SUCH_RSE", targets("req-1", f1), WEEK)).isInstanceOf(RSENotFound.class);
        assertThat(pins.pinsOn("TAPE1")).isEmpty();
    }

    @Test
    void aPinIsReleasableWhenTheLastLockOnItsReplicaGoes() {
        String first = rule(f1, null);
        String second = rule(f1, t0.plus(Duration.ofDays(1)));
        rule(f2, null);
        pins.pin("TAPE1", targets("req-1", f1, f2), WEEK);
        assertThat(pins.releasable(Partition.whole(), 100)).isEmpty();

        new RuleChanges(rules, clock).delete(first, false);
        assertThat(pins.releasable(Partition.whole(), 100)).isEmpty();
        new RuleChanges(rules, clock).delete(second, false);

        assertThat(pins.releasable(Partition.whole(), 100)).extracting(Pin::file, Pin::requestId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(f1, "req-1"));
    }

    @Test
    void aPinIsReleasableWhenItExpires() {
        rule(f1, t0.plus(Duration.ofHours(5)));
        rule(f2, null);
        pins.pin("TAPE1", targets("req-1", f1, f2), WEEK);

        clock.advance(Duration.ofHours(5).minusMillis(1));
        assertThat(pins.releasable(Partition.whole(), 100)).isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(pins.releasable(Partition.whole(), 100)).extracting(Pin::file).containsExactly(f1);
    }

    @Test
    void partitionsShareReleasablePinsWithoutOverlap() {
        pins.pin("TAPE1", targets("req-1", f1, f2, f3), WEEK);   // no rules: all releasable at once

        List<DidRef> seen = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            pins.releasable(new Partition(i, 2), 100).forEach(p -> seen.add(p.file()));
        }
        assertThat(seen).containsExactlyInAnyOrder(f1, f2, f3);
        assertThat(pins.releasable(Partition.whole(), 2)).hasSize(2);
    }

    @Test
    void deletingKeepsAPinThatWasRepinnedByAnotherRequestMeanwhile() {
        pins.pin("TAPE1", targets("req-1", f1, f2), WEEK);
        List<Pin> due = pins.releasable(Partition.whole(), 100);
        pins.pin("TAPE1", targets("req-2", f2), WEEK);

        assertThat(pins.delete(due)).isEqualTo(1);

        assertThat(pins.pinsOn("TAPE1")).extracting(Pin::file, Pin::requestId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(f2, "req-2"));
    }

    @Test
    void aHeldPinIsNotReleasedWithoutARuleUntilItsLastHoldRunsOut() {
        PinHold a = new PinHold(PinHold.campaign("a"), t0.plus(Duration.ofHours(2)));
        PinHold b = new PinHold(PinHold.campaign("b"), t0.plus(Duration.ofHours(3)));
        pins.pin("TAPE1", targets("req-1", f1, f2), WEEK, a);
        List<Pin> again = pins.pin("TAPE1", targets("req-2", f2), WEEK, b);

        assertThat(again).extracting(Pin::heldUntil).containsExactly(t0.plus(Duration.ofHours(3)));
        assertThat(pins.pinsOn("TAPE1")).extracting(Pin::file, Pin::heldUntil).containsExactly(
                org.assertj.core.groups.Tuple.tuple(f1, t0.plus(Duration.ofHours(2))),
                org.assertj.core.groups.Tuple.tuple(f2, t0.plus(Duration.ofHours(3))));
        assertThat(pins.releasable(Partition.whole(), 100)).as("no rule, but held").isEmpty();

        clock.advance(Duration.ofHours(2));
        assertThat(pins.releasable(Partition.whole(), 100)).extracting(Pin::file).containsExactly(f1);
        clock.advance(Duration.ofHours(1));
        assertThat(pins.releasable(Partition.whole(), 100)).extracting(Pin::file).containsExactlyInAnyOrder(f1, f2);
    }

    @Test
    void droppingAHolderLeavesItsPinsToTheirRulesAndOtherHolders() {
        rule(f3, null);
        PinHold a = new PinHold(PinHold.campaign("a"), t0.plus(WEEK));
        pins.pin("TAPE1", targets("req-1", f1, f2, f3), WEEK, a);
        pins.pin("TAPE1", targets("req-1", f2), WEEK, new PinHold(PinHold.campaign("b"), t0.plus(WEEK)));
        assertThat(pins.held(a.holder())).isEqualTo(3);

        assertThat(pins.dropHolds(a.holder())).isEqualTo(3);

        assertThat(pins.held(a.holder())).isZero();
        assertThat(pins.releasable(Partition.whole(), 100)).as("f2 held by b, f3 locked by a rule")
                .extracting(Pin::file).containsExactly(f1);
        assertThat(pins.pinsOn("TAPE1")).hasSize(3);
    }

    @Test
    void deletingAPinDeletesItsHolds() {
        pins.pin("TAPE1", targets("req-1", f1), WEEK, new PinHold(PinHold.campaign("a"), t0.plus(Duration.ofHours(1))));
        clock.advance(Duration.ofHours(1));

        assertThat(pins.delete(pins.releasable(Partition.whole(), 100))).isEqualTo(1);

        assertThat(pins.pinsOn("TAPE1")).isEmpty();
        assertThat(pins.held(PinHold.campaign("a"))).isZero();
    }

    @Test
    void pinsAreListedPageByPage() {
        pins.pin("TAPE1", targets("req-1", f1, f2, f3), WEEK);

        List<Pin> first = pins.pinsOn("TAPE1", null, 2);
        assertThat(first).extracting(Pin::file).containsExactly(f1, f2);
        assertThat(pins.pinsOn("TAPE1", first.get(1).file().key(), 2)).extracting(Pin::file).containsExactly(f3);
    }
}
