package org.stevedore.auth.x509;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Who a validated certificate chain speaks for, with what VOMS gave it.
 *
 * @param dn        the end-entity DN in the slash form Rucio stores ({@code /DC=org/DC=example/CN=Jane Doe})
 * @param rfc2253Dn the same DN in RFC 2253 form ({@code CN=Jane Doe,DC=example,DC=org}), also accepted as identity
 * @param proxy     whether the chain ends in a proxy (RFC 3820 or legacy Globus)
 * @param vos       the VOs of the valid VOMS attribute certificates in the chain
 * @param fqans     their FQANs, in the order the VOMS servers gave them, without {@code /Role=NULL/Capability=NULL}
 * @param rolesUntil when the first of those attribute certificates, or of the certificates of the chain carrying
 *                  them, expires: the attributes are proven until then; null without attributes
 */
public record X509Principal(String dn, String rfc2253Dn, boolean proxy, Set<String> vos, List<String> fqans,
                            Instant rolesUntil) {

    public X509Principal {
        vos = Set.copyOf(vos);
        fqans = List.copyOf(fqans);
    }

    /** Whether the chain carries exactly this FQAN (compared after the same normalisation). */
    public boolean hasFqan(String fqan) {
        return fqans.contains(Fqans.normalize(fqan));
    }

    /** Both spellings under which an X509 identity may be registered, the slash form first. */
    public List<String> identityForms() {
        return List.of(dn, rfc2253Dn);
    }
}
