package org.stevedore.tape.store;

import java.time.Instant;
import org.stevedore.catalog.did.DidRef;

/**
 * A staged replica held on its tape RSE's disk buffer by one stage request.
 *
 * @param file      the file
 * @param rse       the tape RSE's name
 * @param requestId the tape endpoint's stage request that holds the disk copy
 * @param path      the storage path the tape endpoint knows the file by
 * @param pinnedAt  when the pin was (last) written
 * @param expiresAt when the pin ends for its rules: their latest expiry, capped by the RSE's {@code max_pin_lifetime}
 * @param heldUntil when the last of its {@linkplain PinHold holds} runs out, or null when nothing holds it
 */
public record Pin(DidRef file, String rse, String requestId, String path, Instant pinnedAt, Instant expiresAt,
                  Instant heldUntil) {
}
