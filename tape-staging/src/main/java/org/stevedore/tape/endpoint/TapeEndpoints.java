package org.stevedore.tape.endpoint;

import java.util.Map;
import java.util.Optional;

/** Which tape endpoint serves a tape RSE. */
@FunctionalInterface
public interface TapeEndpoints {

    Optional<TapeEndpoint> forRse(String rse);

    static TapeEndpoints of(Map<String, ? extends TapeEndpoint> byRse) {
        Map<String, TapeEndpoint> copy = Map.copyOf(byRse);
        return rse -> Optional.ofNullable(copy.get(rse));
    }
}
