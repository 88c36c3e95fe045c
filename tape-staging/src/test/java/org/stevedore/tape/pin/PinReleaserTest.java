package org.stevedore.tape.pin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stevedore.catalog.daemon.Partition;
import org.stevedore.catalog.did.AttachmentStore;
import org.stevedore.catalog.did.DidRef;
import org.stevedore.catalog.did.DidStore;
import org.stevedore.catalog.did.DidType;
import org.stevedore.catalog.did.UpdatedDidQueue;
import org.stevedore.catalog.replica.NewReplica;
import org.stevedore.catalog.replica.ReplicaStore;
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
import org.stevedore.tape.emulator.TapeEmulator;
import org.stevedore.tape.emulator.TapeEmulatorSettings;
import org.stevedore.tape.endpoint.StageFile;
import org.stevedore.tape.endpoint.TapeEndpoints;
import org.stevedore.tape.rest.TapeRestClient;
import org.stevedore.tape.rest.TapeRestSettings;
import org.stevedore.tape.store.Pin;
import org.stevedore.tape.store.PinStore;
import org.stevedore.tape.store.PinTarget;
import org.stevedore.transfer.store.RequestQueue;

/** The pin releaser between the real catalog and a tape endpoint: the emulator, or a stubbed Tape REST server. */
class PinReleaserTest extends StoreTest {

    private static final Duration WEEK = Duration.ofDays(7);
    private final MutableClock clock = MutableClock.at("2026-03-01T00:00:00Z");
    private final DidRef f1 = new DidRef("bmn", "f1");
    private final DidRef f2 = new DidRef("bmn", "f2");
    private PinStore pins;
    private RuleStore rules;
    private String tapeId;
    private WireMockServer wireMock;

    @BeforeEach
    void setUp() {
        pins = new PinStore(store, clock);
        rules = new RuleStore(store, clock, new RequestQueue());
        ReplicaStore replicas = new ReplicaStore(store, clock, new DidStore(store, clock),
                new AttachmentStore(store, clock, new UpdatedDidQueue(store)));
        Fixtures.scope(store, "bmn", "prod");
        tapeId = Fixtures.rse(store, "TAPE1", true);
        replicas.add("TAPE1", List.of(NewReplica.of("bmn", "f1", 100, "00000001"),
                NewReplica.of("bmn", "f2", 100, "00000002")), "prod", false, null);
    }

    @AfterEach
    void stopWireMock() {
        if (wireMock != null) {
            wireMock.stop();
        }
    }

    private String rule(DidRef file) {
        String id = "rule-" + file.name();
        NewRule rule = new NewRule(id, file, DidType.FILE, "prod", 1, "TAPE1", Grouping.NONE, null, false, null,
                "Staging", Notify.N, false, false, null, 3, null, RuleState.REPLICATING, null);
        PlannedLock lock = new PlannedLock(file.key(), file.scope(), file.name(), 100, tapeId, "TAPE1", null, true, null);
        store.write(tx -> rules.insertIn(tx, rule, 100, List.of(lock)));
        return id;
    }

    @Test
    void whenTheLastLockGoesTheStagedCopyIsReleasedAtTheTapeSystemAndThePinDeleted() {
        TapeEmulator tape = TapeEmulator.inMemory(TapeEmulatorSettings.quick(), clock);
        tape.register("/tape/f1", 100);
        tape.register("/tape/f2", 100);
        String rule1 = rule(f1);
        rule(f2);
        Map<DidRef, Duration> lifetimes = pins.lifetimes("TAPE1", List.of(f1, f2), WEEK);
        String request = tape.stage(List.of(new StageFile("/tape/f1", lifetimes.get(f1)),
                new StageFile("/tape/f2", lifetimes.get(f2))));
        clock.advance(Duration.ofMinutes(1));
        pins.pin("TAPE1", List.of(new PinTarget(f1, request, "/tape/f1"), new PinTarget(f2, request, "/tape/f2")), WEEK);
        PinReleaser releaser = new PinReleaser(pins, TapeEndpoints.of(Map.of("TAPE1", tape)), 100);
        assertThat(tape.pinned("/tape/f1")).isTrue();

        assertThat(releaser.runOnce(Partition.whole()).didWork()).isFalse();
        new RuleChanges(rules, clock).delete(rule1, false);
        assertThat(releaser.runOnce(Partition.whole()).items()).isEqualTo(1);

        assertThat(tape.pinned("/tape/f1")).isFalse();
        assertThat(tape.pinned("/tape/f2")).isTrue();
        assertThat(pins.pinsOn("TAPE1")).extracting(Pin::file).containsExactly(f2);
    }

    @Test
    void aTransientFailureKeepsThePinsAndARefusalDropsThem() throws Exception {
        wireMock = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        wireMock.start();
        String root = "http://localhost:" + wireMock.port();
        wireMock.stubFor(get(urlEqualTo("/.well-known/wlcg-tape-rest-api")).willReturn(okJson(
                "{\"sitename\": \"T\", \"endpoints\": [{\"uri\": \"" + root + "/api\", \"version\": \"v1\"}]}")));
        wireMock.stubFor(post(urlEqualTo("/api/release/busy")).willReturn(aResponse().withStatus(503)));
        wireMock.stubFor(post(urlEqualTo("/api/release/forgotten")).willReturn(aResponse().withStatus(404)
                .withBody("{\"status\": 404, \"title\": \"Not Found\", \"detail\": \"no such request\"}")));
        pins.pin("TAPE1", List.of(new PinTarget(f1, "busy", "/tape/f1"), new PinTarget(f2, "forgotten", "/tape/f2")), WEEK);

        try (TapeRestClient client = new TapeRestClient(TapeRestSettings.defaults(URI.create(root))
                .withRetries(1, Duration.ZERO, Duration.ZERO), (d, stop) -> { })) {
            PinReleaser releaser = new PinReleaser(pins, TapeEndpoints.of(Map.of("TAPE1", client)), 100);
            assertThat(releaser.runOnce(Partition.whole()).items()).isEqualTo(1);
        }

        assertThat(pins.pinsOn("TAPE1")).extracting(Pin::requestId).containsExactly("busy");
        wireMock.verify(postRequestedFor(urlEqualTo("/api/release/busy")).withRequestBody(equalToJson("{\"paths\": [\"/tape/f1\"]}")));
    }

    @Test
    void pinsOnAnRseWithoutAnEndpointAreKept() {
        pins.pin("TAPE1", List.of(new PinTarget(f1, "r", "/tape/f1")), WEEK);

        PinReleaser releaser = new PinReleaser(pins, TapeEndpoints.of(Map.of()), 100);

        assertThat(releaser.runOnce(Partition.whole()).didWork()).isFalse();
        assertThat(pins.pinsOn("TAPE1")).hasSize(1);
    }
}
