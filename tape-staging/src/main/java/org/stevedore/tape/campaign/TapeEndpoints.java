package org.stevedore.tape.campaign;

import java.util.Map;
import java.util.Optional;
import org.stevedore.tape.endpoint.TapeEndpoint;

/**
 * Which tape endpoint serves a tape RSE: the embedded TAPE RSE is served by the emulator, an RSE with a Tape REST
 * attribute by a client of that endpoint. One endpoint per tape RSE: the staging window is kept per tape RSE.
 */
@FunctionalInterface
public interface TapeEndpoints {

    Optional<TapeEndpoint> forRse(String tapeRse);

    /** A fixed table, by RSE name. */
    static TapeEndpoints of(Map<String, ? extends TapeEndpoint> byRse) {
        Map<String, TapeEndpoint> copy = Map.copyOf(byRse);
        return rse -> Optional.ofNullable(copy.get(rse));
    }
}
