package org.stevedore.tape.store;

import java.util.Objects;
import org.stevedore.catalog.did.DidRef;

/** A replica to pin: the file, the stage request that brought it to the buffer, and its storage path there. */
public record PinTarget(DidRef file, String requestId, String path) {

    public PinTarget {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(path, "path");
    }
}
