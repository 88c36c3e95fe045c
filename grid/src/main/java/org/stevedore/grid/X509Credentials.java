package org.stevedore.grid;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The client identity presented to storages: PEM files, as grid services keep them. For an RFC 3820 proxy both paths
 * are the proxy file (proxy certificate, its unencrypted key, then the chain up to the user certificate).
 *
 * @param certificate PEM file with the certificate chain, leaf first
 * @param privateKey  PEM file with the unencrypted private key (PKCS#1 or PKCS#8); may be the same file
 */
public record X509Credentials(Path certificate, Path privateKey) {

    public X509Credentials {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /** A proxy file holding certificate, key and chain together. */
    public static X509Credentials proxy(Path proxyFile) {
        return new X509Credentials(proxyFile, proxyFile);
    }
}
