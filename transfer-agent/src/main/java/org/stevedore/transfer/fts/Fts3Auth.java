package org.stevedore.transfer.fts;

import java.util.Objects;
import java.util.function.Supplier;

/** How the client proves who it is to FTS3: an X509 certificate or proxy (and delegation), or a bearer token. */
public sealed interface Fts3Auth {

    /**
     * TLS client authentication with the source's current credential; it also signs the proxies delegated to FTS.
     * New connections and new delegations use a renewed credential as soon as the source has it.
     */
    record X509(X509CredentialSource source) implements Fts3Auth {
        public X509 {
            Objects.requireNonNull(source, "source");
        }

        /** A credential that is never renewed. */
        public X509(X509Credential credential) {
            this(X509CredentialSource.fixed(credential));
        }

        public X509Credential credential() {
            return source.current();
        }
    }

    /**
     * {@code Authorization: Bearer}, asked of {@code tokens} for every request so a token refreshed outside (a token
     * file rewritten by an OIDC agent) is used at once; FTS needs no delegation then.
     */
    record BearerToken(Supplier<String> tokens) implements Fts3Auth {
        public BearerToken {
            Objects.requireNonNull(tokens, "tokens");
        }

        /** A token that never changes. */
        public BearerToken(String token) {
            this(fixed(token));
        }

        public String token() {
            String token = tokens.get();
            if (token == null || token.isBlank()) {
                throw new IllegalStateException("the FTS bearer token is empty");
            }
            return token.trim();
        }

        private static Supplier<String> fixed(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("fts.token is empty");
            }
            return () -> token;
        }

        /** Never the token itself: records print their fields, and this one ends up in logs. */
        @Override
        public String toString() {
            return "BearerToken[***]";
        }
    }
}
