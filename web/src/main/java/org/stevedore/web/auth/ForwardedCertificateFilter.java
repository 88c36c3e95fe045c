package org.stevedore.web.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;
import org.stevedore.auth.x509.GridTrust;
import org.stevedore.catalog.error.CannotAuthenticate;

/**
 * For deployments behind a TLS-terminating proxy: the client certificate (chain) the proxy forwards URL-escaped in a
 * header, as nginx's {@code $ssl_client_escaped_cert}, becomes the request's X509 principal, validated here with the
 * same canl rules as on the HTTPS connector. Believed only from the configured proxy addresses; from anyone else the
 * header is ignored, since any client could send it.
 *
 * <p>nginx forwards the leaf certificate only; a proxy certificate needs its chain, so behind nginx proxies work only
 * if the proxy forwards the whole chain (PEM blocks one after another).
 */
public class ForwardedCertificateFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ForwardedCertificateFilter.class);

    private final GridTrust trust;
    private final String header;
    private final Set<String> trustedProxies;

    public ForwardedCertificateFilter(GridTrust trust, String header, List<String> trustedProxies) {
        this.trust = trust;
        this.header = header;
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String value = request.getHeader(header);
        if (value != null && !value.isBlank()) {
            if (!trustedProxies.contains(request.getRemoteAddr())) {
                log.warn("Ignored header {} from {}, which is not a trusted proxy", header, request.getRemoteAddr());
            } else {
                try {
                    X509Certificate[] certificates = parse(value);
                    request.setAttribute(X509AuthenticationFilter.PRINCIPAL, trust.authenticate(certificates));
                } catch (CertificateException | IllegalArgumentException e) {
                    log.info("Ignored an unreadable certificate in header {} from {}", header, request.getRemoteAddr());
                } catch (CannotAuthenticate e) {
                    // Logged by GridTrust.
                }
            }
        }
        chain.doFilter(request, response);
    }

    static X509Certificate[] parse(String escaped) throws CertificateException {
        String pem = URLDecoder.decode(escaped, StandardCharsets.UTF_8);
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        return factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
                .stream().map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    }
}
