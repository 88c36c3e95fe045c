package org.stevedore.auth.policy;

import java.util.List;
import java.util.Set;

/**
 * Who asks: the account of the session, whether it is an admin account (root, or attribute {@code admin=true}), and
 * the VOs and FQANs of a valid VOMS attribute certificate presented with the request (empty without one).
 */
public record Subject(String account, boolean admin, Set<String> vos, List<String> fqans) {

    public Subject {
        vos = Set.copyOf(vos);
        fqans = List.copyOf(fqans);
    }

    public static Subject of(String account, boolean admin) {
        return new Subject(account, admin, Set.of(), List.of());
    }
}
