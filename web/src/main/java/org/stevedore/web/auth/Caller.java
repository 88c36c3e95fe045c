package org.stevedore.web.auth;

import java.util.List;
import java.util.Set;

/**
 * Who is calling: the account of the validated session, the identity that authenticated, and the VOs and FQANs of
 * a valid VOMS attribute certificate presented with this request (empty without one). Controllers take it as a
 * parameter; the token filter puts it on the request.
 */
public record Caller(String account, String identity, Set<String> vos, List<String> fqans) {

    /** The request attribute holding the caller: set by the token filter (API) or the UI's session filter. */
    public static final String ATTRIBUTE = Caller.class.getName();

    public Caller {
        vos = Set.copyOf(vos);
        fqans = List.copyOf(fqans);
    }

    public Caller(String account, String identity) {
        this(account, identity, Set.of(), List.of());
    }
}
