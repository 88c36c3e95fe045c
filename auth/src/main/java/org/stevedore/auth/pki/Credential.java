package org.stevedore.auth.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A private key and its certificate chain, leaf first. Never logged: {@link #toString()} leaves the key out. */
public record Credential(PrivateKey key, X509Certificate[] chain) {

    public X509Certificate certificate() {
        return chain[0];
    }

    @Override
    public String toString() {
        return "Credential[" + certificate().getSubjectX500Principal().getName() + ", key=***]";
    }
}
