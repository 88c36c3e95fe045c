package org.stevedore.web.config.auth;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * HTTPS with client certificates and VOMS, under {@code stevedore.x509.*} ({@code STEVEDORE_X509_PORT}, ...). Paths
 * left empty point into the development PKI under {@code <data-dir>/pki}, which is generated on first start.
 *
 * @param enabled         whether the HTTPS connector runs (next to the plain HTTP one of {@code server.port})
 * @param port            HTTPS port; 0 picks a free one
 * @param address         address of the HTTPS connector; empty: the same as {@code server.address}
 * @param certificate     host certificate (PEM); empty: the development PKI's
 * @param privateKey      its private key (PEM, unencrypted); empty: the development PKI's
 * @param caDirectory     IGTF-style CA directory; production: /etc/grid-security/certificates. Empty: the development
 *                        PKI's
 * @param vomsDirectory   vomsdir with {@code <vo>/<host>.lsc} files; production: /etc/grid-security/vomsdir. Empty:
 *                        the dev PKI's
 * @param refreshInterval how often CAs, CRLs and the vomsdir are re-read
 * @param requireCrl      whether a CA without a valid CRL is refused (IGTF practice in production)
 * @param devPki          whether to make the development PKI under {@code <data-dir>/pki} when the paths above are
 *                        left empty
 * @param forwarded       a client certificate forwarded by a TLS-terminating proxy
 */
@Validated
@ConfigurationProperties("stevedore.x509")
public record X509Properties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("8443") @Min(0) @Max(65535) int port,
        String address,
        Path certificate,
        Path privateKey,
        Path caDirectory,
        Path vomsDirectory,
        @DefaultValue("10m") @NotNull Duration refreshInterval,
        @DefaultValue("false") boolean requireCrl,
        @DefaultValue("true") boolean devPki,
        @DefaultValue @Valid Forwarded forwarded) {

    /**
     * A client certificate forwarded by a TLS-terminating proxy (nginx: {@code proxy_set_header X-SSL-Client-Cert
     * $ssl_client_escaped_cert;}). Off by default; honoured only from the listed proxy addresses.
     *
     * @param enabled        whether the forwarded header is read at all
     * @param header         the header holding the certificate
     * @param trustedProxies IP addresses of the proxies whose header is believed
     */
    public record Forwarded(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("X-SSL-Client-Cert") @NotBlank String header,
            @DefaultValue List<String> trustedProxies) {
    }
}
