package org.stevedore.web.auth;

/**
 * Who is calling: the account of the validated session, and the identity that authenticated. Controllers take it
 * as a parameter; the token filter puts it on the request.
 */
public record Caller(String account, String identity) {

    static final String ATTRIBUTE = Caller.class.getName();
}
