package org.stevedore.transfer.fts;

import java.util.Objects;

/** How the client proves who it is to FTS3: an X509 certificate or proxy (and delegation), or a bearer token. */
public sealed interface Fts3Auth {

    /** TLS client authentication with this credential; it also signs the proxies delegated to FTS. */
    record X509(X509Credential credential) implements Fts3Auth {
        public X509 {
            Objects.requireNonNull(credential, "credential");
        }
    }

    /** {@code Authorization: Bearer}; FTS needs no delegation then. */
    record BearerToken(String token) implements Fts3Auth {
        public BearerToken {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("fts.token is empty");
            }
        }

        /** Never the token itself: records print their fields, and this one ends up in logs. */
        @Override
        public String toString() {
            return "BearerToken[***]";
        }
    }
}
