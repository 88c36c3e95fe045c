package org.stevedore.transfer.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.transfer.store.Throttling.InFlight;
import org.stevedore.transfer.store.Throttling.Waiting;

class ThrottlingTest {

    private static Waiting w(String key, String activity, long bytes) {
        return new Waiting(key, activity, bytes);
    }

    @Test
    void releasesOnlyAsManyAsTheFreeTransferSlots() {
        List<TransferLimit> limits = List.of(new TransferLimit("X", "*", 3L, null));
        List<String> released = Throttling.release(limits, Map.of("Production", new InFlight(1, 0)),
                List.of(w("a", "Production", 1), w("b", "User", 1), w("c", "Production", 1)));
        assertThat(released).containsExactly("a", "b");
    }

    @Test
    void anActivityLimitCountsOnlyItsOwnActivityAndOthersStillGo() {
        List<TransferLimit> limits = List.of(new TransferLimit("X", "Production", 1L, null));
        List<String> released = Throttling.release(limits, Map.of("User", new InFlight(50, 0)),
                List.of(w("p1", "Production", 1), w("p2", "Production", 1), w("u1", "User", 1)));
        assertThat(released).containsExactly("p1", "u1");
    }

    @Test
    void bytesInFlightAreBoundedAndABlockedRequestIsNotOvertakenBySmallerOnes() {
        List<TransferLimit> limits = List.of(new TransferLimit("X", "*", null, 100L));
        List<String> released = Throttling.release(limits, Map.of("A", new InFlight(1, 40)),
                List.of(w("fits", "A", 50), w("too-big", "A", 20), w("small", "A", 1)));
        assertThat(released).containsExactly("fits");
    }

    @Test
    void aFileLargerThanTheByteLimitGoesAloneWhenNothingIsInFlight() {
        List<TransferLimit> limits = List.of(new TransferLimit("X", "*", null, 100L));
        assertThat(Throttling.release(limits, Map.of(), List.of(w("huge", "A", 500), w("next", "A", 1))))
                .containsExactly("huge");
        assertThat(Throttling.release(limits, Map.of("A", new InFlight(1, 1)), List.of(w("huge", "A", 500))))
                .isEmpty();
    }

    @Test
    void everyLimitThatCoversARequestMustHaveRoom() {
        List<TransferLimit> limits = List.of(new TransferLimit("X", "*", 10L, null),
                new TransferLimit("X", "Production", 1L, null));
        List<String> released = Throttling.release(limits, Map.of("User", new InFlight(8, 0)),
                List.of(w("p1", "Production", 1), w("p2", "Production", 1), w("u1", "User", 1), w("u2", "User", 1)));
        // 2 slots left overall: p1 takes one (and fills Production), u1 the other.
        assertThat(released).containsExactly("p1", "u1");
    }

    @Test
    void aZeroLimitHoldsEverythingBack() {
        List<TransferLimit> limits = List.of(new TransferLimit("X", "*", 0L, null));
        assertThat(Throttling.release(limits, Map.of(), List.of(w("a", "A", 1)))).isEmpty();
    }
}
