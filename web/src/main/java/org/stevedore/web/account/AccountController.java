package org.stevedore.web.account;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.auth.session.AuthService;
import org.stevedore.catalog.account.Account;
import org.stevedore.catalog.account.AccountStatus;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.account.AccountType;
import org.stevedore.catalog.account.AccountUpdate;
import org.stevedore.catalog.account.Identity;
import org.stevedore.catalog.account.IdentityStore;
import org.stevedore.catalog.account.IdentityType;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.naming.Names;
import org.stevedore.catalog.scope.Scope;
import org.stevedore.catalog.scope.ScopeStore;
import org.stevedore.web.api.Created;
import org.stevedore.web.api.JsonStream;
import org.stevedore.web.api.RucioCompatible;
import org.stevedore.web.api.RucioDates;
import org.stevedore.web.auth.Caller;

/**
 * Accounts, their scopes, identities and attributes, at Rucio's paths; whether a caller may change them is
 * {@link AccountGateway}'s to decide.
 */
@RucioCompatible
@RestController
public class AccountController {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record NewAccountBody(String type, String email) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record UpdateAccountBody(String status, String email) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record AttributeBody(Object value) {
    }

    private final AccountStore accounts;
    private final ScopeStore scopes;
    private final IdentityStore identities;
    private final AuthService auth;
    private final ObjectMapper mapper;
    private final AccountGateway gateway;

    public AccountController(AccountStore accounts, ScopeStore scopes, IdentityStore identities, AuthService auth,
                             ObjectMapper mapper, AccountGateway gateway) {
        this.gateway = gateway;
        this.accounts = accounts;
        this.scopes = scopes;
        this.identities = identities;
        this.auth = auth;
        this.mapper = mapper;
    }

    /** Rucio answers with a redirect to the caller's own account document. */
    @GetMapping("/accounts/whoami")
    public ResponseEntity<Void> whoami(Caller caller) {
        return ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, caller.account()).build();
    }

    @GetMapping({"/accounts", "/accounts/"})
    public void list(@RequestParam(name = "account_type", required = false) String type, HttpServletResponse response) {
        List<Account> list = type == null ? accounts.list() : accounts.list(AccountType.parse(type));
        JsonStream.respond(mapper, response, out -> {
            list.forEach(a -> out.accept(document(a)));
        });
    }

    @GetMapping("/accounts/{account}")
    public Map<String, Object> get(@PathVariable String account) {
        return document(accounts.get(Names.account(account)));
    }

    @PostMapping("/accounts/{account}")
    public ResponseEntity<String> add(@PathVariable String account, @RequestBody NewAccountBody body, Caller caller) {
        gateway.requireAdd(caller, account);
        if (body == null || body.type() == null) {
            throw new InvalidObject("Request body must give the account type: {\"type\": \"USER\"|\"GROUP\"|\"SERVICE\"}");
        }
        accounts.add(Names.account(account), AccountType.parse(body.type()), body.email());
        return Created.response();
    }

    @PutMapping("/accounts/{account}")
    public ResponseEntity<String> update(@PathVariable String account, @RequestBody UpdateAccountBody body,
                                         Caller caller) {
        gateway.requireUpdate(caller, account);
        if (body == null || (body.status() == null && body.email() == null)) {
            throw new InvalidObject("Request body must set 'status' or 'email'");
        }
        accounts.update(Names.account(account), new AccountUpdate(
                body.status() == null ? null : AccountStatus.parse(body.status()), body.email()));
        return Created.response();
    }

    @DeleteMapping("/accounts/{account}")
    public void delete(@PathVariable String account, Caller caller) {
        gateway.delete(caller, account);
    }

    static Map<String, Object> document(Account a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("account", a.account());
        m.put("account_type", a.type().name());
        m.put("status", a.status().name());
        m.put("email", a.email());
        m.put("suspended_at", RucioDates.iso(a.suspendedAt()));
        m.put("deleted_at", RucioDates.iso(a.deletedAt()));
        m.put("created_at", RucioDates.iso(a.createdAt()));
        m.put("updated_at", RucioDates.iso(a.updatedAt()));
        return m;
    }

    // ---- scopes ----

    @GetMapping({"/accounts/{account}/scopes", "/accounts/{account}/scopes/"})
    public List<String> scopesOf(@PathVariable String account) {
        accounts.get(Names.account(account));
        return scopes.listByAccount(account).stream().map(Scope::scope).toList();
    }

    @PostMapping({"/accounts/{account}/scopes/{scope}", "/scopes/{account}/{scope}"})
    public ResponseEntity<String> addScope(@PathVariable String account, @PathVariable String scope, Caller caller) {
        gateway.addScope(caller, account, scope);
        return Created.response();
    }

    @GetMapping({"/scopes", "/scopes/"})
    public List<String> allScopes() {
        return scopes.list().stream().map(Scope::scope).toList();
    }

    // ---- identities ----

    @GetMapping("/accounts/{account}/identities")
    public List<Map<String, Object>> identitiesOf(@PathVariable String account) {
        accounts.get(Names.account(account));
        return identities.listForAccount(account).stream().map(i -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", i.type().name());
            m.put("identity", i.identity());
            m.put("email", i.email());
            return m;
        }).toList();
    }

    @PostMapping("/accounts/{account}/identities")
    public ResponseEntity<String> addIdentity(@PathVariable String account, @RequestBody Map<String, Object> body,
                                              Caller caller) {
        gateway.requireAddIdentity(caller, account);
        String identity = string(body, "identity");
        String authtype = string(body, "authtype");
        String email = body == null ? null : body.get("email") instanceof String s ? s : null;
        if (identity == null || authtype == null) {
            throw new InvalidObject("Request body must give 'identity' and 'authtype'");
        }
        IdentityType type = IdentityType.parse(authtype);
        accounts.get(Names.account(account));
        if (type == IdentityType.USERPASS) {
            String password = string(body, "password");
            if (password == null || password.isEmpty()) {
                throw new InvalidObject("A USERPASS identity needs a 'password'");
            }
            auth.addUserpassIdentity(account, identity, password, email);
        } else {
            identities.add(new Identity(identity, type, account, email, null, Boolean.TRUE.equals(body.get("default"))));
        }
        return Created.response();
    }

    @DeleteMapping("/accounts/{account}/identities")
    public void deleteIdentity(@PathVariable String account, @RequestBody Map<String, Object> body, Caller caller) {
        gateway.requireDeleteIdentity(caller, account);
        String identity = string(body, "identity");
        String authtype = string(body, "authtype");
        if (identity == null || authtype == null) {
            throw new InvalidObject("Request body must give 'identity' and 'authtype'");
        }
        identities.delete(identity, IdentityType.parse(authtype), Names.account(account));
    }

    private static String string(Map<String, Object> body, String key) {
        if (body == null) {
            return null;
        }
        Object v = body.get(key);
        if (v != null && !(v instanceof String)) {
            throw new InvalidObject("'" + key + "' must be a string");
        }
        return (String) v;
    }

    // ---- attributes ----

    @GetMapping({"/accounts/{account}/attr", "/accounts/{account}/attr/"})
    public List<Map<String, Object>> attributes(@PathVariable String account) {
        return accounts.attributes(Names.account(account)).entrySet().stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", e.getKey());
            m.put("value", e.getValue());
            return m;
        }).toList();
    }

    @PostMapping("/accounts/{account}/attr/{key}")
    public ResponseEntity<String> addAttribute(@PathVariable String account, @PathVariable String key,
                                               @RequestBody AttributeBody body, Caller caller) {
        gateway.requireSetAttribute(caller, account);
        if (body == null || body.value() == null) {
            throw new InvalidObject("Request body must carry a value: {\"value\": ...}");
        }
        accounts.addAttribute(Names.account(account), key, String.valueOf(body.value()));
        return Created.response();
    }

    @DeleteMapping("/accounts/{account}/attr/{key}")
    public void deleteAttribute(@PathVariable String account, @PathVariable String key, Caller caller) {
        gateway.deleteAttribute(caller, account, key);
    }
}
