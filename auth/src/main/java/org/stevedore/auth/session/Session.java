package org.stevedore.auth.session;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Who a valid token speaks for, and until when; with the VOs and FQANs proven when the session was opened with a
 * VOMS proxy, for as long as its attribute certificate is valid (empty for a password login, and after that).
 */
public record Session(String account, String identity, Instant expiresAt, Set<String> vos, List<String> fqans) {

    public Session {
        vos = Set.copyOf(vos);
        fqans = List.copyOf(fqans);
    }

    public Session(String account, String identity, Instant expiresAt) {
        this(account, identity, expiresAt, Set.of(), List.of());
    }
}
