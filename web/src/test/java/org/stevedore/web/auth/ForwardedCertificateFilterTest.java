package org.stevedore.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.stevedore.auth.pki.PkiBuilder;
import org.stevedore.auth.pki.TestPki;
import org.stevedore.auth.x509.GridTrust;
import org.stevedore.auth.x509.X509Principal;

class ForwardedCertificateFilterTest {

    private static final TestPki PKI = TestPki.get();
    private static GridTrust trust;

    @BeforeAll
    static void trust() {
        trust = new GridTrust(PKI.trust());
    }

    @AfterAll
    static void close() {
        trust.close();
    }

    private static X509Principal filter(String remoteAddr, String pem) throws Exception {
        ForwardedCertificateFilter filter = new ForwardedCertificateFilter(trust, "X-SSL-Client-Cert",
                List.of("10.0.0.5"));
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/auth/x509");
        request.setRemoteAddr(remoteAddr);
        request.addHeader("X-SSL-Client-Cert", URLEncoder.encode(pem, StandardCharsets.UTF_8));
        filter.doFilter(request, new MockHttpServletResponse(), new MockFilterChain());
        return X509AuthenticationFilter.principal(request);
    }

    @Test
    void aCertificateFromATrustedProxyBecomesThePrincipal() throws Exception {
        X509Principal p = filter("10.0.0.5", PkiBuilder.pem(PKI.user.certificate()));
        assertThat(p).isNotNull();
        assertThat(p.dn()).isEqualTo(TestPki.USER_DN);
        assertThat(filter("10.0.0.5", PkiBuilder.pem((Object[]) PKI.vomsProxy.chain())).fqans())
                .contains(TestPki.PRODUCTION_FQAN);
    }

    @Test
    void theHeaderFromAnyoneElseOrWithAnInvalidCertificateIsIgnored() throws Exception {
        assertThat(filter("10.0.0.6", PkiBuilder.pem(PKI.user.certificate()))).isNull();
        assertThat(filter("10.0.0.5", PkiBuilder.pem(PKI.revokedUser.certificate()))).isNull();
        assertThat(filter("10.0.0.5", "not a certificate")).isNull();
    }
}
