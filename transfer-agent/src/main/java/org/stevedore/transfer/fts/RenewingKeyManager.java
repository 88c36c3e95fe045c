package org.stevedore.transfer.fts;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the credential source's current certificate chain in every new TLS handshake, so a renewed proxy is used
 * without rebuilding the HTTP client. Each handshake chooses an alias naming the credential it saw; the chain and key
 * asked for under that alias are then of that same credential even if a renewal lands in between.
 */
final class RenewingKeyManager extends X509ExtendedKeyManager {

    private final X509CredentialSource source;
    private Chosen last;
    private Chosen previous;
    private long generation;

    private record Chosen(String alias, X509Credential credential) {
    }

    RenewingKeyManager(X509CredentialSource source) {
        this.source = source;
    }

    private synchronized Chosen choose() {
        X509Credential current = source.current();
        if (last != null && last.credential() == current) {
            return last;
        }
        previous = last;
        last = new Chosen("stevedore-" + ++generation, current);
        return last;
    }

    /** The credential a handshake chose; the one before stays known for a handshake that began before a renewal. */
    private synchronized X509Credential byAlias(String alias) {
        for (Chosen known : new Chosen[] {last, previous}) {
            if (known != null && known.alias().equals(alias)) {
                return known.credential();
            }
        }
        return null;
    }

    private String aliasFor(String[] keyTypes) {
        Chosen chosen = choose();
        String algorithm = chosen.credential().privateKey().getAlgorithm();
        boolean fits = keyTypes == null || Arrays.stream(keyTypes).anyMatch(t -> t.equalsIgnoreCase(algorithm)
                || ("EC".equals(algorithm) && t.toUpperCase().startsWith("EC")));
        return fits ? chosen.alias() : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return aliasFor(keyTypes);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyTypes);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        String alias = aliasFor(new String[] {keyType});
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        X509Credential credential = byAlias(alias);
        return credential == null ? null : credential.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        X509Credential credential = byAlias(alias);
        return credential == null ? null : credential.privateKey();
    }

    /** A client never serves TLS. */
    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
