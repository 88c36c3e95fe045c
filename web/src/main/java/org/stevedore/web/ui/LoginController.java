package org.stevedore.web.ui;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.stevedore.auth.session.AuthService;
import org.stevedore.auth.session.IssuedToken;
import org.stevedore.auth.x509.X509Principal;
import org.stevedore.catalog.account.TokenRoles;
import org.stevedore.catalog.error.CannotAuthenticate;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.web.auth.PlainHttpPasswords;
import org.stevedore.web.auth.X509AuthenticationFilter;

/**
 * Logging in to and out of the web UI. Both logins are the API's own ({@code AuthService.userpass} behind the same
 * plain-HTTP password rule, {@code AuthService.x509} with the certificate the HTTPS connector verified) and end in the
 * session cookie of {@link UiSessions}; a refusal re-renders the form with the API's message.
 */
@Hidden
@Controller
public class LoginController {

    private final AuthService auth;
    private final PlainHttpPasswords plainHttpPasswords;
    private final UiSessions sessions;

    public LoginController(AuthService auth, PlainHttpPasswords plainHttpPasswords, UiSessions sessions) {
        this.auth = auth;
        this.plainHttpPasswords = plainHttpPasswords;
        this.sessions = sessions;
    }

    @GetMapping("/ui/login")
    public String form(HttpServletRequest request, HttpServletResponse response, Model model) {
        return render(request, response, model, null, null);
    }

    @PostMapping("/ui/login")
    public String userpass(HttpServletRequest request, HttpServletResponse response, Model model,
                           @RequestParam(name = "username", required = false) String username,
                           @RequestParam(name = "password", required = false) String password,
                           @RequestParam(name = "account", required = false) String account) {
        try {
            plainHttpPasswords.check(request);
            if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
                throw new CannotAuthenticate("Send X-Rucio-Username and X-Rucio-Password to get a token");
            }
            IssuedToken token = auth.userpass(username, password, blankToNull(account));
            sessions.open(request, response, token);
            return "redirect:/ui/";
        } catch (StevedoreException e) {
            render(request, response, model, username, account);
            return FormError.rejected(response, model, null, e, "ui/login");
        }
    }

    /**
     * The certificate login: a GET, so a link on the HTTPS login page does it. It needs no CSRF token: another site
     * making the browser follow it logs the browser in as the certificate's own owner, which is no attack.
     */
    @GetMapping("/ui/login/x509")
    public String x509(HttpServletRequest request, HttpServletResponse response, Model model,
                       @RequestParam(name = "account", required = false) String account) {
        try {
            X509Principal principal = X509AuthenticationFilter.principal(request);
            if (principal == null) {
                throw new CannotAuthenticate(
                        "Cannot authenticate: present a valid client certificate or proxy over HTTPS");
            }
            TokenRoles roles = new TokenRoles(principal.vos(), principal.fqans(), principal.rolesUntil());
            IssuedToken token = auth.x509(principal.identityForms(), blankToNull(account), roles);
            sessions.open(request, response, token);
            return "redirect:/ui/";
        } catch (StevedoreException e) {
            render(request, response, model, null, account);
            return FormError.rejected(response, model, null, e, "ui/login");
        }
    }

    /** Ends the session server-side (the token is revoked) and removes the cookie. CSRF-checked like every POST. */
    @PostMapping("/ui/logout")
    public String logout(HttpServletRequest request, HttpServletResponse response) {
        auth.revoke((String) request.getAttribute(UiSessions.TOKEN_ATTRIBUTE));
        sessions.close(request, response);
        return "redirect:/ui/login";
    }

    private String render(HttpServletRequest request, HttpServletResponse response, Model model,
                          String username, String account) {
        model.addAttribute("loginCsrf", sessions.loginFormToken(request, response));
        model.addAttribute("secure", request.isSecure());
        model.addAttribute("username", username == null ? "" : username);
        model.addAttribute("account", account == null ? "" : account);
        return "ui/login";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
