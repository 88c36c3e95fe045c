package org.stevedore.transfer.fts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An X509 credential read from PEM files and read again when they change: at most once per {@code recheck}, the
 * files' modification times and sizes are compared with those last read, and a change loads the files anew.
 *
 * <p>The first load happens in the constructor and its failure is thrown, so a bad path stops start-up. A later
 * reload that fails (a renewal caught half-written, a key that does not match yet) keeps the credential that works
 * and is logged once per change of the files; the next change is tried again.
 */
public final class X509CredentialFiles implements X509CredentialSource {

    private static final Logger log = LoggerFactory.getLogger(X509CredentialFiles.class);

    private final Path certificates;
    private final Path privateKey;
    private final Clock clock;
    private final Duration recheck;
    private X509Credential credential;
    private List<Stamp> loaded;
    private List<Stamp> failed;
    private Instant nextCheck;

    private record Stamp(FileTime modified, long size) {
    }

    /**
     * @param certificates the PEM file with the chain, end entity or proxy first
     * @param privateKey   the PEM file with the unencrypted key; the same path as {@code certificates} for a proxy
     * @param recheck      how often to look at the files at most
     * @throws IllegalArgumentException when the files cannot be read as a credential now
     */
    public X509CredentialFiles(Path certificates, Path privateKey, Clock clock, Duration recheck) {
        this.certificates = Objects.requireNonNull(certificates, "certificates");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.clock = clock;
        this.recheck = recheck;
        List<Stamp> stamps = stamps();
        this.credential = requireMatchingKey(X509Credential.load(certificates, privateKey));
        this.loaded = stamps;
        this.nextCheck = clock.instant().plus(recheck);
    }

    /** A grid proxy: certificate, key and chain in one file. */
    public static X509CredentialFiles proxy(Path proxy, Clock clock, Duration recheck) {
        return new X509CredentialFiles(proxy, proxy, clock, recheck);
    }

    @Override
    public synchronized X509Credential current() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return credential;
        }
        nextCheck = now.plus(recheck);
        List<Stamp> stamps;
        try {
            stamps = stamps();
        } catch (IllegalArgumentException e) {
            warnOnce(null, "cannot look at the credential files, keeping " + credential + ": " + e.getMessage());
            return credential;
        }
        if (stamps.equals(loaded) || stamps.equals(failed)) {
            return credential;
        }
        try {
            X509Credential renewed = X509Credential.load(certificates, privateKey);
            requireMatchingKey(renewed);
            log.info("X509 credential renewed from {}: {} until {} (was until {})", certificates, renewed,
                    renewed.notAfter(), credential.notAfter());
            credential = renewed;
            loaded = stamps;
            failed = null;
        } catch (IllegalArgumentException e) {
            warnOnce(stamps, "the changed credential files could not be read, keeping " + credential + " until "
                    + credential.notAfter() + ": " + e.getMessage());
        }
        return credential;
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

    private void warnOnce(List<Stamp> stamps, String message) {
        if (stamps == null || !stamps.equals(failed)) {
            log.warn("{}", message);
        }
        failed = stamps;
    }

    private List<Stamp> stamps() {
        return certificates.equals(privateKey) ? List.of(stamp(certificates)) : List.of(stamp(certificates), stamp(privateKey));
    }

    private static Stamp stamp(Path file) {
        try {
            return new Stamp(Files.getLastModifiedTime(file), Files.size(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
