package org.stevedore.transfer.fts;

import java.util.Objects;

/**
 * Where the service's X509 credential comes from each time it is needed: a grid proxy is renewed by an outside job
 * (a cron running {@code voms-proxy-init}, or a MyProxy renewal) every few hours, and a long-running service must
 * pick up the new file instead of holding on to the one it read at start-up.
 */
@FunctionalInterface
public interface X509CredentialSource {

    /** The credential to use now. */
    X509Credential current();

    /** A credential that never changes (tests, or a certificate nobody renews). */
    static X509CredentialSource fixed(X509Credential credential) {
        Objects.requireNonNull(credential, "credential");
        return () -> credential;
    }
}
