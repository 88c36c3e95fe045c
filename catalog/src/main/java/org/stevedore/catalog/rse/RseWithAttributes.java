package org.stevedore.catalog.rse;

import java.util.Map;

/** An RSE together with its attributes, as RSE expression resolution needs them. */
public record RseWithAttributes(Rse rse, Map<String, Object> attributes) {

    public RseWithAttributes {
        attributes = Map.copyOf(attributes);
    }
}
