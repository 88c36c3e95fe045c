package org.stevedore.web.ui;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;
import org.stevedore.auth.session.AuthService;
import org.stevedore.auth.session.Session;
import org.stevedore.catalog.error.CannotAuthenticate;
import org.stevedore.web.api.Errors;
import org.stevedore.web.auth.Caller;
import org.stevedore.web.auth.TokenAuthenticationFilter;
import org.stevedore.web.auth.X509AuthenticationFilter;

/**
 * Authentication and CSRF protection of the web UI, {@code /ui/**}: the session cookie ({@link UiSessions}) becomes
 * the request's {@link Caller}, exactly as a token does for the API; without a valid one, a page answers with a
 * redirect to the login form and a {@code /ui/api/} call with a 401 in Rucio's shape. Every state-changing request
 * (anything but GET, HEAD, OPTIONS) must carry the session's CSRF token, in the {@code _csrf} form field or the
 * {@code X-CSRF-Token} header, else it is refused with a 403 before any controller runs, so it changes nothing. The
 * login form's POST is checked against its own double-submit cookie.
 *
 * <p>Outside {@code /ui} it does one thing: a browser opening {@code /} (a GET that accepts text/html) is sent to
 * the UI instead of the API's 401; API clients (no text/html in Accept) get exactly what they got before.
 */
public class UiSessionFilter extends OncePerRequestFilter {

    /** The request attribute holding the session's CSRF token, for the templates. */
    public static final String CSRF_ATTRIBUTE = UiSessionFilter.class.getName() + ".csrf";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final AuthService auth;

    public UiSessionFilter(AuthService auth) {
        this.auth = auth;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.equals("/") && "GET".equals(request.getMethod()) && acceptsHtml(request)) {
            response.sendRedirect(request.getContextPath() + "/ui/");
            return;
        }
        if (!TokenAuthenticationFilter.isUi(path) || path.startsWith("/ui/assets/")) {
            chain.doFilter(request, response);
            return;
        }
        boolean safe = SAFE_METHODS.contains(request.getMethod());
        if (path.equals("/ui/login") || path.equals("/ui/login/x509")) {
            if (!safe && !UiSessions.matches(UiSessions.cookie(request, UiSessions.LOGIN_COOKIE), presented(request))) {
                refuseCsrf(request, response, path);
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        String token = UiSessions.sessionToken(request);
        Session session;
        try {
            session = auth.validate(token);
        } catch (CannotAuthenticate e) {
            if (path.startsWith("/ui/api/")) {
                Errors.write(response, HttpStatus.UNAUTHORIZED, e.exceptionClass(),
                        "No valid UI session: log in at /ui/login");
            } else {
                response.sendRedirect(request.getContextPath() + "/ui/login");
            }
            return;
        }
        String csrf = UiSessions.csrfToken(token);
        if (!safe && !UiSessions.matches(csrf, presented(request))) {
            refuseCsrf(request, response, path);
            return;
        }
        request.setAttribute(CSRF_ATTRIBUTE, csrf);
        request.setAttribute(UiSessions.TOKEN_ATTRIBUTE, token);
        request.setAttribute(Caller.ATTRIBUTE,
                TokenAuthenticationFilter.caller(session, X509AuthenticationFilter.principal(request)));
        chain.doFilter(request, response);
    }

    private static String presented(HttpServletRequest request) {
        String header = request.getHeader(UiSessions.CSRF_HEADER);
        return header != null && !header.isEmpty() ? header : request.getParameter(UiSessions.CSRF_FIELD);
    }

    /**
     * Whether a refusal is answered with a page: a browser's request for a page. The UI's JSON endpoints and any
     * client that does not accept HTML get the API's Rucio-shaped JSON instead.
     */
    static boolean wantsPage(HttpServletRequest request, String path) {
        return !path.startsWith("/ui/api/") && acceptsHtml(request);
    }

    static boolean acceptsHtml(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html");
    }

    private static void refuseCsrf(HttpServletRequest request, HttpServletResponse response, String path)
            throws IOException {
        String message = "Missing or wrong CSRF token: reload the page and try again";
        if (!wantsPage(request, path)) {
            Errors.write(response, HttpStatus.FORBIDDEN, "AccessDenied", message);
            return;
        }
        response.setStatus(HttpStatus.FORBIDDEN.value());
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("ExceptionClass", "AccessDenied");
        response.setHeader("ExceptionMessage", message);
        response.getOutputStream().write(("""
                <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Refused - Stevedore</title>
                <link rel="stylesheet" href="%s/ui/assets/ui.css"></head>
                <body><main class="narrow"><h1>Refused</h1><p class="error">%s</p>
                <p><a href="%s/ui/">Back to the dashboard</a></p></main></body></html>
                """.formatted(request.getContextPath(), HtmlUtils.htmlEscape(message), request.getContextPath()))
                .getBytes(StandardCharsets.UTF_8));
    }
}
