package org.stevedore.transfer.fts;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An X509 credential read from PEM files and read again when they change (see {@link RenewedFiles}): at most once per
 * {@code recheck}. A renewal caught between writing the new certificate and the new key is refused (the key must sign
 * what the certificate's public key verifies) and the credential that works is kept.
 */
public final class X509CredentialFiles implements X509CredentialSource {

    private final RenewedFiles<X509Credential> files;

    /**
     * @param certificates the PEM file with the chain, end entity or proxy first
     * @param privateKey   the PEM file with the unencrypted key; the same path as {@code certificates} for a proxy
     * @param recheck      how often to look at the files at most
     * @throws IllegalArgumentException when the files cannot be read as a credential now
     */
    public X509CredentialFiles(Path certificates, Path privateKey, Clock clock, Duration recheck) {
        Objects.requireNonNull(certificates, "certificates");
        Objects.requireNonNull(privateKey, "privateKey");
        this.files = new RenewedFiles<>(certificates.equals(privateKey) ? List.of(certificates)
                : List.of(certificates, privateKey),
                () -> requireMatchingKey(X509Credential.load(certificates, privateKey)), "X509 credential", clock,
                recheck);
    }

    /** A grid proxy: certificate, key and chain in one file. */
    public static X509CredentialFiles proxy(Path proxy, Clock clock, Duration recheck) {
        return new X509CredentialFiles(proxy, proxy, clock, recheck);
    }

    @Override
    public X509Credential current() {
        return files.get();
    }

    /**
     * Signs a few bytes with the key and checks them with the certificate's public key: a renewal caught between
     * writing the new certificate and the new key would otherwise pass for a credential and fail every handshake.
     */
    static X509Credential requireMatchingKey(X509Credential credential) {
        String algorithm = switch (credential.privateKey().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            default -> null;
        };
        if (algorithm == null) {
            return credential;
        }
        try {
            byte[] probe = "stevedore key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(credential.privateKey());
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(credential.certificate().getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return credential;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot check the private key against " + credential + ": "
                    + e.getMessage(), e);
        }
        throw new IllegalArgumentException("the private key does not belong to the certificate of " + credential);
    }
}
