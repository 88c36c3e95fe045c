package org.stevedore.auth.x509;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where trust comes from.
 *
 * @param caDirectory     an IGTF-style CA directory: {@code <hash>.0} certificates, {@code <hash>.r0} CRLs,
 *                        {@code .namespaces}/{@code .signing_policy} files where present
 *                        (production: {@code /etc/grid-security/certificates})
 * @param vomsDirectory   a vomsdir: {@code <vo>/<host>.lsc} per VOMS server (production:
 *                        {@code /etc/grid-security/vomsdir})
 * @param refreshInterval how often both are re-read, so CRL and CA updates apply without a restart
 * @param requireCrl      whether a CA without a valid CRL makes its certificates invalid (IGTF practice for
 *                        production); otherwise a CRL is used when it is present and valid
 */
public record TrustSettings(Path caDirectory, Path vomsDirectory, Duration refreshInterval, boolean requireCrl) {

    public TrustSettings {
        Objects.requireNonNull(caDirectory, "caDirectory");
        Objects.requireNonNull(vomsDirectory, "vomsDirectory");
        Objects.requireNonNull(refreshInterval, "refreshInterval");
    }
}
