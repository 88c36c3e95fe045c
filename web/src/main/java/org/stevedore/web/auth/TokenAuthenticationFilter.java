package org.stevedore.web.auth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.stevedore.auth.session.AuthService;
import org.stevedore.auth.session.Session;
import org.stevedore.auth.x509.X509Principal;
import org.stevedore.catalog.error.CannotAuthenticate;
import org.stevedore.web.api.Errors;

/**
 * Every API call needs a valid {@code X-Rucio-Auth-Token}, except those that hand tokens out, {@code /ping}, the
 * health probe and the API description ({@link #isOpen}). The validated session becomes the request's {@link Caller}.
 */
public class TokenAuthenticationFilter extends OncePerRequestFilter {

    public static final String TOKEN_HEADER = "X-Rucio-Auth-Token";
    private static final Set<String> OPEN = Set.of("/ping", "/auth/userpass", "/auth/x509", "/auth/x509_proxy",
            "/auth/x509/webui", "/error");

    private final AuthService auth;

    public TokenAuthenticationFilter(AuthService auth) {
        this.auth = auth;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        // The web UI's pages authenticate with its session cookie (UiSessionFilter), never with a token, and the
        // cookie never authenticates the API: the API keeps its CSRF-free token model.
        return isOpen(path) || isUi(path);
    }

    /** Whether a path (without the context path) belongs to the web UI: {@code /ui} and below. */
    public static boolean isUi(String path) {
        return path.equals("/ui") || path.startsWith("/ui/");
    }

    /**
     * Whether a path (without the context path) is served without a token: token issuers, {@code /ping}, the health
     * probe, and the API's description and Swagger UI, which hold no data (they are generated from the code, the same
     * for every deployment) and must load before the user has a token to paste into the UI's "Authorize" dialog.
     */
    public static boolean isOpen(String path) {
        return OPEN.contains(path) || path.equals("/actuator/health") || path.startsWith("/actuator/health/")
                || path.equals("/v3/api-docs") || path.equals("/v3/api-docs.yaml") || path.startsWith("/v3/api-docs/")
                || path.equals("/swagger-ui.html")
                || path.startsWith("/swagger-ui/");
    }

    /**
     * The caller's VOMS attributes: those of the certificate presented with this request when it is the session's
     * own identity and carries valid ones (a token obtained with userpass does not borrow the roles of whatever
     * certificate comes along), else those the session was opened with at {@code /auth/x509}, while they are valid
     * (none for a password login).
     */
    public static Caller caller(Session session, X509Principal x509) {
        if (x509 != null && x509.identityForms().contains(session.identity()) && !x509.fqans().isEmpty()) {
            return new Caller(session.account(), session.identity(), x509.vos(), x509.fqans());
        }
        return new Caller(session.account(), session.identity(), session.vos(), session.fqans());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = request.getHeader(TOKEN_HEADER);
        if (token == null || token.isBlank()) {
            Errors.write(response, HttpStatus.UNAUTHORIZED, "CannotAuthenticate",
                    "No auth token: send X-Rucio-Auth-Token (GET /auth/userpass hands one out)");
            return;
        }
        Session session;
        try {
            session = auth.validate(token.trim());
        } catch (CannotAuthenticate e) {
            Errors.write(response, HttpStatus.UNAUTHORIZED, e.exceptionClass(), e.getMessage());
            return;
        }
        request.setAttribute(Caller.ATTRIBUTE, caller(session, X509AuthenticationFilter.principal(request)));
        chain.doFilter(request, response);
    }
}
