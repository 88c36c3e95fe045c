package org.stevedore.web.config.auth;

import eu.emi.security.authn.x509.impl.PEMCredential;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.stevedore.auth.pki.DevPki;
import org.stevedore.auth.pki.PkiBuilder;
import org.stevedore.auth.x509.GridTrust;
import org.stevedore.auth.x509.TrustSettings;
import org.stevedore.web.auth.ForwardedCertificateFilter;
import org.stevedore.web.auth.X509AuthenticationFilter;
import org.stevedore.web.config.StevedoreProperties;
import org.stevedore.web.tls.HttpsConnector;

/**
 * X509 and VOMS: the trust (CA directory, vomsdir), the HTTPS connector using it, and the filters that turn a client
 * certificate into an {@link org.stevedore.auth.x509.X509Principal} on the request.
 */
@Configuration(proxyBeanMethods = false)
public class X509Config {

    private static final Logger log = LoggerFactory.getLogger(X509Config.class);

    /** Resolved paths: the configured ones, or the development PKI's (made on first start). */
    public record X509Paths(Path certificate, Path privateKey, Path caDirectory, Path vomsDirectory) {
    }

    @Bean
    X509Paths x509Paths(X509Properties x509, StevedoreProperties properties, SecureRandom random, Clock clock) {
        Path pki = properties.dataDir().resolve("pki");
        boolean anyDefault = x509.certificate() == null || x509.privateKey() == null
                || x509.caDirectory() == null || x509.vomsDirectory() == null;
        if (anyDefault && x509.devPki() && new DevPki(new PkiBuilder(clock, random), clock).ensure(pki)) {
            log.info("Made the development PKI under {} (CA, localhost host certificate, user certificate and a VOMS "
                    + "proxy of VO '{}'); not for production", pki.toAbsolutePath(), DevPki.VO);
        }
        return new X509Paths(
                x509.certificate() != null ? x509.certificate() : DevPki.hostCertificate(pki),
                x509.privateKey() != null ? x509.privateKey() : DevPki.hostKey(pki),
                x509.caDirectory() != null ? x509.caDirectory() : DevPki.caDirectory(pki),
                x509.vomsDirectory() != null ? x509.vomsDirectory() : DevPki.vomsDirectory(pki));
    }

    @Bean(destroyMethod = "close")
    GridTrust gridTrust(X509Paths paths, X509Properties x509) {
        log.info("Trusting the CAs in {} and the VOMS servers in {}", paths.caDirectory().toAbsolutePath(),
                paths.vomsDirectory().toAbsolutePath());
        return new GridTrust(new TrustSettings(paths.caDirectory(), paths.vomsDirectory(), x509.refreshInterval(),
                x509.requireCrl()));
    }

    @Bean
    @ConditionalOnProperty(name = "stevedore.x509.enabled", matchIfMissing = true)
    HttpsConnector httpsConnector(X509Paths paths, X509Properties x509, GridTrust trust, SecureRandom random,
                                  Environment environment) {
        try {
            PEMCredential host = new PEMCredential(paths.privateKey().toString(), paths.certificate().toString(),
                    new char[0]);
            String address = x509.address() != null ? x509.address() : environment.getProperty("server.address");
            return new HttpsConnector(host, trust.chainValidator(), random, address, x509.port());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Cannot load the host credential " + paths.certificate() + " / "
                    + paths.privateKey() + " (stevedore.x509.certificate / private-key): " + e.getMessage(), e);
        }
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> httpsConnectorCustomizer(
            ObjectProvider<HttpsConnector> https) {
        return factory -> https.ifAvailable(c -> factory.addAdditionalTomcatConnectors(c.connector()));
    }

    @Bean
    FilterRegistrationBean<X509AuthenticationFilter> x509AuthenticationFilter(GridTrust trust) {
        FilterRegistrationBean<X509AuthenticationFilter> bean =
                new FilterRegistrationBean<>(new X509AuthenticationFilter(trust));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 16);
        return bean;
    }

    @Bean
    @ConditionalOnProperty(name = "stevedore.x509.forwarded.enabled")
    FilterRegistrationBean<ForwardedCertificateFilter> forwardedCertificateFilter(GridTrust trust,
                                                                                  X509Properties x509) {
        FilterRegistrationBean<ForwardedCertificateFilter> bean = new FilterRegistrationBean<>(
                new ForwardedCertificateFilter(trust, x509.forwarded().header(),
                        x509.forwarded().trustedProxies()));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 15);
        log.info("Accepting client certificates forwarded in header {} from {}", x509.forwarded().header(),
                x509.forwarded().trustedProxies());
        return bean;
    }
}
