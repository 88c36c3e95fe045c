package org.stevedore.tape.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A holder's claim on pins beyond what the rules locking the replicas ask for: a pre-staging campaign keeps the files
 * it staged pinned for its own pin lifetime, whether or not a rule locks them. A pin with a hold that has not run out
 * is never released; dropping the hold (a cancelled campaign) leaves the pin to its rules.
 *
 * @param holder who holds, e.g. {@code campaign:<id>}
 * @param until  when the hold runs out
 */
public record PinHold(String holder, Instant until) {

    public PinHold {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(until, "until");
        if (holder.isBlank() || holder.contains("|")) {
            throw new IllegalArgumentException("A pin holder must be non-blank and without '|', got '" + holder + "'");
        }
    }

    /** The holder name of a campaign. */
    public static String campaign(String campaignId) {
        return "campaign:" + campaignId;
    }
}
