package org.stevedore.auth.session;

import java.time.Instant;

/** Who a valid token speaks for, and until when. */
public record Session(String account, String identity, Instant expiresAt) {
}
