package org.stevedore.web.account;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.catalog.account.AccountLimitStore;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.catalog.error.InvalidObject;
import org.stevedore.catalog.naming.Names;
import org.stevedore.web.api.Created;
import org.stevedore.web.api.JsonStream;
import org.stevedore.web.api.RucioCompatible;
import org.stevedore.web.auth.Caller;

/**
 * Account quotas per RSE and what the account's rules lock, at Rucio's paths; whether a caller may set a quota is
 * {@link AccountGateway}'s to decide.
 */
@RucioCompatible
@RestController
public class AccountLimitController {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record LimitBody(Long bytes) {
    }

    private final AccountLimitStore limits;
    private final AccountStore accounts;
    private final ObjectMapper mapper;
    private final AccountGateway gateway;

    public AccountLimitController(AccountLimitStore limits, AccountStore accounts, ObjectMapper mapper,
                                  AccountGateway gateway) {
        this.limits = limits;
        this.accounts = accounts;
        this.mapper = mapper;
        this.gateway = gateway;
    }

    @PostMapping("/accounts/{account}/limits/local/{rse}")
    public ResponseEntity<String> set(@PathVariable String account, @PathVariable String rse, @RequestBody LimitBody body,
                                      Caller caller) {
        gateway.requireSetLimit(caller, account);
        if (body == null || body.bytes() == null) {
            throw new InvalidObject("Request body must give the limit: {\"bytes\": N}");
        }
        limits.set(Names.account(account), rse, body.bytes());
        return Created.response();
    }

    @DeleteMapping("/accounts/{account}/limits/local/{rse}")
    public void delete(@PathVariable String account, @PathVariable String rse, Caller caller) {
        gateway.deleteLimit(caller, account, rse);
    }

    @GetMapping({"/accounts/{account}/limits/local", "/accounts/{account}/limits", "/accounts/{account}/limits/"})
    public Map<String, Long> list(@PathVariable String account) {
        accounts.get(Names.account(account));
        return limits.limits(account);
    }

    @GetMapping("/accounts/{account}/limits/local/{rse}")
    public Map<String, Long> one(@PathVariable String account, @PathVariable String rse) {
        accounts.get(Names.account(account));
        Map<String, Long> out = new LinkedHashMap<>();
        out.put(rse, limits.limits(account).get(rse));
        return out;
    }

    @GetMapping({"/accounts/{account}/usage/local", "/accounts/{account}/usage/local/"})
    public void usage(@PathVariable String account, HttpServletResponse response) {
        accounts.get(Names.account(account));
        var usage = limits.usage(account);
        JsonStream.respond(mapper, response, out -> usage.forEach(u -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rse_id", u.rseId());
            m.put("rse", u.rse());
            m.put("bytes", u.bytes());
            m.put("files", u.files());
            m.put("bytes_limit", u.limit());
            m.put("bytes_remaining", u.limit() == null ? null : u.limit() - u.bytes());
            out.accept(m);
        }));
    }
}
