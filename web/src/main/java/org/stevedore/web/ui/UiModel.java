package org.stevedore.web.ui;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.stevedore.catalog.account.AccountStore;
import org.stevedore.web.auth.Caller;

/**
 * What every page's layout shows: who is logged in ({@code me}: account, identity, admin flag) and the session's
 * CSRF token ({@code csrf}) for the forms' hidden field and the scripts' header. The admin flag is read per request,
 * as {@code Permissions} reads it, so revoking admin shows at the next page.
 */
@ControllerAdvice(basePackageClasses = UiModel.class)
public class UiModel {

    /** The logged-in caller as the layout shows it. */
    public record Me(String account, String identity, boolean admin) {
    }

    private final AccountStore accounts;

    public UiModel(AccountStore accounts) {
        this.accounts = accounts;
    }

    @ModelAttribute("me")
    Me me(HttpServletRequest request) {
        if (request.getAttribute(Caller.ATTRIBUTE) instanceof Caller caller) {
            return new Me(caller.account(), caller.identity(), accounts.isAdmin(caller.account()));
        }
        return null;
    }

    @ModelAttribute("csrf")
    String csrf(HttpServletRequest request) {
        return (String) request.getAttribute(UiSessionFilter.CSRF_ATTRIBUTE);
    }
}
