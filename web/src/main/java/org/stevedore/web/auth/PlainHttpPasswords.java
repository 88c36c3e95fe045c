package org.stevedore.web.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.error.CannotAuthenticate;

/**
 * Whether a password login may come over the plain HTTP connector. There a password crosses the network in clear
 * text, unless the connection is to a loopback address (the embedded default listens on {@code localhost} only):
 * so by default passwords are taken over HTTPS, and over plain HTTP only on loopback connections; a deployment can
 * allow them everywhere (a TLS-terminating proxy on another host) or nowhere.
 *
 * @param allowed {@code stevedore.auth.userpass-over-plain-http}: true everywhere, false never, null (unset) only on
 *                connections to a loopback address
 */
public record PlainHttpPasswords(Boolean allowed) {

    public static final String PROPERTY = "stevedore.auth.userpass-over-plain-http";

    private static final Logger log = LoggerFactory.getLogger(PlainHttpPasswords.class);

    /** @throws CannotAuthenticate naming why and what to configure, before the password is even looked at */
    public void check(HttpServletRequest request) {
        if (request.isSecure() || Boolean.TRUE.equals(allowed)) {
            return;
        }
        if (allowed == null && isLoopback(request.getLocalAddr())) {
            return;
        }
        log.info("Refused a password login over plain HTTP from {} to {}", request.getRemoteAddr(),
                request.getLocalAddr());
        throw new CannotAuthenticate(allowed == null
                ? "Cannot authenticate: password logins over plain HTTP are taken on loopback connections only, so "
                        + "that passwords do not cross the network in clear text. Log in over HTTPS, or set "
                        + PROPERTY + "=true (e.g. behind a TLS-terminating proxy)"
                : "Cannot authenticate: password logins over plain HTTP are disabled (" + PROPERTY
                        + "=false). Log in over HTTPS");
    }

    private static boolean isLoopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        try {
            // The servlet container gives an IP literal: no name lookup happens here.
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
