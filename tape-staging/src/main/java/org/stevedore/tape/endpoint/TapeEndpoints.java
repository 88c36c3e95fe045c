package org.stevedore.tape.endpoint;

import java.util.Map;
import java.util.Optional;

/**
 * Which tape endpoint serves a tape RSE: the embedded TAPE RSE is served by the emulator, an RSE with a Tape REST
 * attribute by a client of that endpoint. One endpoint per tape RSE: the staging window is kept per tape RSE.
 */
@FunctionalInterface
public interface TapeEndpoints {

    Optional<TapeEndpoint> forRse(String rse);

    static TapeEndpoints of(Map<String, ? extends TapeEndpoint> byRse) {
        Map<String, TapeEndpoint> copy = Map.copyOf(byRse);
        return rse -> Optional.ofNullable(copy.get(rse));
    }
}
