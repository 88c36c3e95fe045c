package org.stevedore.catalog.account;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The VOMS attributes a session was opened with, kept with its token so that later requests carrying only the token
 * (a workflow over plain HTTP) keep the roles that were proven at login, on every instance sharing the store, and
 * never past the attribute certificates' validity.
 *
 * @param vos   the VOs of the valid attribute certificates presented at login
 * @param fqans their FQANs, normalised
 * @param until when the first of them (or of the certificates carrying them) expires; null without roles
 */
public record TokenRoles(Set<String> vos, List<String> fqans, Instant until) {

    private static final TokenRoles NONE = new TokenRoles(Set.of(), List.of(), null);

    public TokenRoles {
        vos = vos == null ? Set.of() : Set.copyOf(vos);
        fqans = fqans == null ? List.of() : List.copyOf(fqans);
        if (until == null || (vos.isEmpty() && fqans.isEmpty())) {
            vos = Set.of();
            fqans = List.of();
            until = null;
        }
    }

    /** No roles: a session opened with a password, or with a certificate without a valid attribute certificate. */
    public static TokenRoles none() {
        return NONE;
    }

    public boolean isEmpty() {
        return until == null;
    }

    /** These roles while they are valid at {@code now}, none after. */
    public TokenRoles at(Instant now) {
        return until != null && now.isBefore(until) ? this : NONE;
    }
}
