package org.stevedore.auth.x509;

import eu.emi.security.authn.x509.impl.OpensslNameUtils;
import eu.emi.security.authn.x509.impl.X500NameUtils;
import javax.security.auth.x500.X500Principal;

/** The two DN spellings grid services meet, and a log-safe rendering of client-supplied DNs. */
public final class Dns {

    private Dns() {
    }

    /** Rucio's and OpenSSL's slash form, RDNs in certificate order: {@code /DC=org/DC=example/CN=Jane Doe}. */
    public static String slashForm(X500Principal principal) {
        return OpensslNameUtils.convertFromRfc2253(principal.getName(X500Principal.RFC2253), false);
    }

    public static String rfc2253Form(X500Principal principal) {
        return X500NameUtils.getReadableForm(principal);
    }

    /** DNs come from clients: no line breaks or other control characters in a log line, bounded length. */
    public static String forLog(String dn) {
        if (dn == null) {
            return "";
        }
        String flat = dn.replaceAll("\\p{Cntrl}", "?");
        return flat.length() <= 512 ? flat : flat.substring(0, 509) + "...";
    }
}
