package org.stevedore.web.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.stevedore.catalog.error.CannotAuthenticate;

/** The three settings of stevedore.auth.userpass-over-plain-http against plain and TLS, loopback and not. */
class PlainHttpPasswordsTest {

    private static MockHttpServletRequest request(String localAddress, boolean secure) {
        MockHttpServletRequest r = new MockHttpServletRequest("GET", "/auth/userpass");
        r.setLocalAddr(localAddress);
        r.setSecure(secure);
        return r;
    }

    @Test
    void unsetTakesPasswordsOverPlainHttpOnLoopbackConnectionsOnly() {
        PlainHttpPasswords unset = new PlainHttpPasswords(null);
        assertThatCode(() -> unset.check(request("127.0.0.1", false))).doesNotThrowAnyException();
        assertThatCode(() -> unset.check(request("0:0:0:0:0:0:0:1", false))).doesNotThrowAnyException();
        assertThatCode(() -> unset.check(request("192.0.2.10", true))).doesNotThrowAnyException();
        assertThatThrownBy(() -> unset.check(request("192.0.2.10", false))).isInstanceOf(CannotAuthenticate.class)
                .hasMessageContaining("loopback").hasMessageContaining("HTTPS")
                .hasMessageContaining("stevedore.auth.userpass-over-plain-http=true");
        assertThatThrownBy(() -> unset.check(request("2001:db8::1", false))).isInstanceOf(CannotAuthenticate.class);
    }

    @Test
    void trueTakesThemEverywhereAndFalseOnlyOverHttps() {
        assertThatCode(() -> new PlainHttpPasswords(true).check(request("192.0.2.10", false)))
                .doesNotThrowAnyException();
        PlainHttpPasswords never = new PlainHttpPasswords(false);
        assertThatThrownBy(() -> never.check(request("127.0.0.1", false))).isInstanceOf(CannotAuthenticate.class)
                .hasMessageContaining("userpass-over-plain-http=false");
        assertThatCode(() -> never.check(request("127.0.0.1", true))).doesNotThrowAnyException();
    }
}
