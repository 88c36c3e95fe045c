package org.stevedore.transfer.fts;

import java.util.List;

/**
 * What {@code GET /whoami} says about us. The delegation id comes from here and is never computed by the client;
 * the first VO is what FTS uses to derive deterministic job ids.
 */
public record Fts3Identity(String userDn, List<String> vos, String delegationId, String method) {

    public Fts3Identity {
        vos = List.copyOf(vos);
    }

    /** The VO of deterministic job ids, or null when FTS placed us in none. */
    public String vo() {
        return vos.isEmpty() ? null : vos.get(0);
    }
}
