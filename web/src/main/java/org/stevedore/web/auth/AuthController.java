package org.stevedore.web.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.auth.session.AuthService;
import org.stevedore.auth.session.IssuedToken;
import org.stevedore.auth.session.Session;
import org.stevedore.auth.x509.X509Principal;
import org.stevedore.catalog.account.TokenRoles;
import org.stevedore.catalog.error.CannotAuthenticate;
import org.stevedore.web.api.RucioCompatible;
import org.stevedore.web.api.RucioDates;

/** Rucio's token endpoints. */
@RucioCompatible
@RestController
@RequestMapping("/auth")
public class AuthController {

    private final AuthService auth;
    private final PlainHttpPasswords plainHttpPasswords;

    public AuthController(AuthService auth, PlainHttpPasswords plainHttpPasswords) {
        this.auth = auth;
        this.plainHttpPasswords = plainHttpPasswords;
    }

    /** Over plain HTTP only where {@link PlainHttpPasswords} allows it. */
    @GetMapping("/userpass")
    public ResponseEntity<Void> userpass(HttpServletRequest request,
                                         @RequestHeader(name = "X-Rucio-Username", required = false) String username,
                                         @RequestHeader(name = "X-Rucio-Password", required = false) String password,
                                         @RequestHeader(name = "X-Rucio-Account", required = false) String account) {
        plainHttpPasswords.check(request);
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            throw new CannotAuthenticate("Send X-Rucio-Username and X-Rucio-Password to get a token");
        }
        IssuedToken token = auth.userpass(username, password, account == null || account.isBlank() ? null : account);
        return ResponseEntity.ok()
                .header("X-Rucio-Auth-Token", token.token())
                .header("X-Rucio-Auth-Token-Expires", RucioDates.rfc1123(token.expiresAt()))
                .header("X-Rucio-Auth-Account", token.account())
                .build();
    }

    /**
     * Rucio's x509 login: the client certificate or proxy of the TLS handshake (or, behind a trusted TLS-terminating
     * proxy, the forwarded one) names the identity; {@code X-Rucio-Account} chooses among its accounts. The VOMS
     * attributes of a valid attribute certificate in the chain go with the token until they expire.
     */
    @GetMapping({"/x509", "/x509_proxy", "/x509/webui"})
    public ResponseEntity<Void> x509(HttpServletRequest request,
                                     @RequestHeader(name = "X-Rucio-Account", required = false) String account) {
        X509Principal principal = X509AuthenticationFilter.principal(request);
        if (principal == null) {
            throw new CannotAuthenticate("Cannot authenticate: present a valid client certificate or proxy over HTTPS");
        }
        TokenRoles roles = new TokenRoles(principal.vos(), principal.fqans(), principal.rolesUntil());
        IssuedToken token = auth.x509(principal.identityForms(), account == null || account.isBlank() ? null : account,
                roles);
        return ResponseEntity.ok()
                .header("X-Rucio-Auth-Token", token.token())
                .header("X-Rucio-Auth-Token-Expires", RucioDates.rfc1123(token.expiresAt()))
                .header("X-Rucio-Auth-Account", token.account())
                .build();
    }

    @GetMapping("/validate")
    public Map<String, Object> validate(@RequestHeader(TokenAuthenticationFilter.TOKEN_HEADER) String token) {
        Session session = auth.validate(token.trim());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("account", session.account());
        doc.put("identity", session.identity());
        doc.put("lifetime", RucioDates.rfc1123(session.expiresAt()));
        doc.put("audience", null);
        doc.put("authz_scope", null);
        return doc;
    }
}
