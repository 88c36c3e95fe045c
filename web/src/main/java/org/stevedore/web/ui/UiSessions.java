package org.stevedore.web.ui;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.stevedore.auth.session.IssuedToken;

/**
 * The web UI's session cookie and its CSRF tokens. A UI session is an ordinary session of the service's own
 * {@code AuthService} (the token a {@code GET /auth/userpass} would give), carried in a cookie instead of the
 * {@code X-Rucio-Auth-Token} header: it expires with the token, logout revokes the token server-side, and suspending
 * the account ends it at once, on every instance sharing the store.
 *
 * <p>The cookie is HttpOnly (scripts cannot read it), SameSite=Strict (no other site's page sends it), Path=/ui (the
 * API never sees it: {@code TokenAuthenticationFilter} ignores cookies anyway) and Secure when the login came over
 * HTTPS. The CSRF token of a session is derived from the session's secret token ({@link #csrfToken}), so it needs no
 * storage, is the same on every instance, and changes with every login: a page of another site can neither read the
 * cookie nor compute it. Before login, the login form is protected by a double-submit cookie of its own.
 */
public final class UiSessions {

    /** The session cookie: the session's token. */
    public static final String SESSION_COOKIE = "stevedore_ui";
    /** The login form's double-submit cookie, set with the form. */
    public static final String LOGIN_COOKIE = "stevedore_ui_login";
    /** The form field carrying the CSRF token. */
    public static final String CSRF_FIELD = "_csrf";
    /** The header carrying the CSRF token in scripts' POSTs. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** The request attribute holding the session's token, for logout. */
    static final String TOKEN_ATTRIBUTE = UiSessions.class.getName() + ".token";
    static final String PATH = "/ui";
    private static final Duration LOGIN_FORM_LIFETIME = Duration.ofHours(1);

    private final SecureRandom random;
    private final Clock clock;

    public UiSessions(SecureRandom random, Clock clock) {
        this.random = random;
        this.clock = clock;
    }

    /** The session token in the request's cookie, or null. */
    public static String sessionToken(HttpServletRequest request) {
        return cookie(request, SESSION_COOKIE);
    }

    static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (name.equals(c.getName()) && c.getValue() != null && !c.getValue().isEmpty()) {
                return c.getValue();
            }
        }
        return null;
    }

    /** Sets the session cookie for a freshly issued token, living exactly as long as the token. */
    public void open(HttpServletRequest request, HttpServletResponse response, IssuedToken token) {
        long seconds = Math.max(0, Duration.between(clock.instant(), token.expiresAt()).toSeconds());
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(request, SESSION_COOKIE, token.token(), seconds));
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(request, LOGIN_COOKIE, "", 0));
    }

    /** Removes the session cookie (the session itself is revoked by the caller). */
    public void close(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(request, SESSION_COOKIE, "", 0));
    }

    /** A fresh login-form token, set as the login cookie and returned for the form's hidden field. */
    public String loginFormToken(HttpServletRequest request, HttpServletResponse response) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(request, LOGIN_COOKIE, value,
                LOGIN_FORM_LIFETIME.toSeconds()));
        return value;
    }

    /** The CSRF token of a session: SHA-256 of a label and the session's token. */
    public static String csrfToken(String sessionToken) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                sha256("stevedore-ui-csrf\n" + sessionToken));
    }

    /** Whether {@code presented} equals {@code expected}, in time independent of where they differ. */
    public static boolean matches(String expected, String presented) {
        if (expected == null || presented == null || expected.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private static String cookie(HttpServletRequest request, String name, String value, long maxAgeSeconds) {
        return ResponseCookie.from(name, value)
                .path(PATH)
                .httpOnly(true)
                .secure(request.isSecure())
                .sameSite("Strict")
                .maxAge(maxAgeSeconds)
                .build()
                .toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
