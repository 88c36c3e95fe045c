package org.stevedore.web.config.auth;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * HTTPS with client certificates and VOMS, under {@code stevedore.x509.*} ({@code STEVEDORE_X509_PORT}, ...). Paths
 * left empty point into the development PKI under {@code <data-dir>/pki}, which is generated on first start.
 */
@Validated
@ConfigurationProperties("stevedore.x509")
public class X509Properties {

    /** Whether the HTTPS connector runs (next to the plain HTTP one of {@code server.port}). */
    private boolean enabled = true;
    /** HTTPS port; 0 picks a free one. */
    @Min(0)
    @Max(65535)
    private int port = 8443;
    /** Address of the HTTPS connector; empty: the same as {@code server.address}. */
    private String address;
    /** Host certificate (PEM); empty: the development PKI's. */
    private Path certificate;
    /** Its private key (PEM, unencrypted); empty: the development PKI's. */
    private Path privateKey;
    /** IGTF-style CA directory; production: /etc/grid-security/certificates. Empty: the development PKI's. */
    private Path caDirectory;
    /** vomsdir with {@code <vo>/<host>.lsc} files; production: /etc/grid-security/vomsdir. Empty: the dev PKI's. */
    private Path vomsDirectory;
    /** How often CAs, CRLs and the vomsdir are re-read. */
    @NotNull
    private Duration refreshInterval = Duration.ofMinutes(10);
    /** Whether a CA without a valid CRL is refused (IGTF practice in production). */
    private boolean requireCrl = false;
    /** Whether to make the development PKI under {@code <data-dir>/pki} when the paths above are left empty. */
    private boolean devPki = true;

    @Valid
    private final Forwarded forwarded = new Forwarded();

    /**
     * A client certificate forwarded by a TLS-terminating proxy (nginx: {@code proxy_set_header X-SSL-Client-Cert
     * $ssl_client_escaped_cert;}). Off by default; honoured only from the listed proxy addresses.
     */
    public static class Forwarded {
        private boolean enabled = false;
        @NotBlank
        private String header = "X-SSL-Client-Cert";
        /** IP addresses of the proxies whose header is believed. */
        private List<String> trustedProxies = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getHeader() {
            return header;
        }

        public void setHeader(String header) {
            this.header = header;
        }

        public List<String> getTrustedProxies() {
            return trustedProxies;
        }

        public void setTrustedProxies(List<String> trustedProxies) {
            this.trustedProxies = trustedProxies;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getAddress() {
        return address;
    }

    public void setAddress(String address) {
        this.address = address;
    }

    public Path getCertificate() {
        return certificate;
    }

    public void setCertificate(Path certificate) {
        this.certificate = certificate;
    }

    public Path getPrivateKey() {
        return privateKey;
    }

    public void setPrivateKey(Path privateKey) {
        this.privateKey = privateKey;
    }

    public Path getCaDirectory() {
        return caDirectory;
    }

    public void setCaDirectory(Path caDirectory) {
        this.caDirectory = caDirectory;
    }

    public Path getVomsDirectory() {
        return vomsDirectory;
    }

    public void setVomsDirectory(Path vomsDirectory) {
        this.vomsDirectory = vomsDirectory;
    }

    public Duration getRefreshInterval() {
        return refreshInterval;
    }

    public void setRefreshInterval(Duration refreshInterval) {
        this.refreshInterval = refreshInterval;
    }

    public boolean isRequireCrl() {
        return requireCrl;
    }

    public void setRequireCrl(boolean requireCrl) {
        this.requireCrl = requireCrl;
    }

    public boolean isDevPki() {
        return devPki;
    }

    public void setDevPki(boolean devPki) {
        this.devPki = devPki;
    }

    public Forwarded getForwarded() {
        return forwarded;
    }
}
