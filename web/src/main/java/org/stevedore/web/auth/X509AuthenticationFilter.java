package org.stevedore.web.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.cert.X509Certificate;
import org.springframework.web.filter.OncePerRequestFilter;
import org.stevedore.auth.x509.GridTrust;
import org.stevedore.auth.x509.X509Principal;
import org.stevedore.catalog.error.CannotAuthenticate;

/**
 * The pre-authentication step for TLS client certificates (StoRM WebDAV's shape): the chain Tomcat received becomes
 * an {@link X509Principal} (end-entity DN, VOMS attributes) on the request. It never refuses by itself: what needs an
 * identity ({@code /auth/x509}) or an FQAN (the permission policy) decides. A chain that fails here although the
 * handshake accepted it (a CRL arrived in between) simply gives no principal.
 */
public class X509AuthenticationFilter extends OncePerRequestFilter {

    public static final String PRINCIPAL = X509Principal.class.getName();
    private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    private final GridTrust trust;

    public X509AuthenticationFilter(GridTrust trust) {
        this.trust = trust;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getAttribute(PRINCIPAL) == null
                && request.getAttribute(CERTIFICATES) instanceof X509Certificate[] certificates
                && certificates.length > 0) {
            try {
                request.setAttribute(PRINCIPAL, trust.authenticate(certificates));
            } catch (CannotAuthenticate e) {
                // Logged by GridTrust; the request goes on without an X509 identity.
            }
        }
        chain.doFilter(request, response);
    }

    /** The principal of the request's client certificate, or null. */
    public static X509Principal principal(HttpServletRequest request) {
        return request.getAttribute(PRINCIPAL) instanceof X509Principal p ? p : null;
    }
}
