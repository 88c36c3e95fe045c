package org.stevedore.auth.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.stevedore.auth.pki.Credential;
import org.stevedore.auth.pki.PkiBuilder;
import org.stevedore.auth.pki.TestPki;
import org.stevedore.catalog.error.CannotAuthenticate;

class GridTrustTest {

    private static TestPki pki;
    private static GridTrust trust;

    @BeforeAll
    static void setUp() {
        pki = TestPki.get();
        trust = new GridTrust(pki.trust());
    }

    @AfterAll
    static void tearDown() {
        trust.close();
    }

    @Test
    void userCertificateGivesItsDnInBothSpellingsAndNoVomsAttributes() {
        X509Principal p = trust.authenticate(pki.user.chain());
        assertThat(p.dn()).isEqualTo(TestPki.USER_DN);
        assertThat(p.rfc2253Dn()).isEqualTo("CN=Alice Example,DC=stevedore-test,DC=org");
        assertThat(p.proxy()).isFalse();
        assertThat(p.vos()).isEmpty();
        assertThat(p.fqans()).isEmpty();
    }

    @Test
    void rfc3820ProxyLimitedProxyAndProxyOfProxyAllSpeakForTheEndEntity() {
        for (Credential c : new Credential[]{pki.proxy, pki.limitedProxy, pki.proxyOfProxy}) {
            X509Principal p = trust.authenticate(c.chain());
            assertThat(p.dn()).isEqualTo(TestPki.USER_DN);
            assertThat(p.proxy()).isTrue();
        }
        assertThat(pki.proxyOfProxy.chain()).hasSize(4);
    }

    @Test
    void validAttributeCertificateGivesVoAndFqans() {
        X509Principal p = trust.authenticate(pki.vomsProxy.chain());
        assertThat(p.vos()).containsExactly(TestPki.VO);
        assertThat(p.fqans()).containsExactly("/testvo", "/testvo/Role=production");
        assertThat(p.hasFqan("/testvo/Role=production/Capability=NULL")).isTrue();
    }

    @Test
    void expiredForgedAndForeignAttributeCertificatesAreIgnoredButTheUserIsStillKnown() {
        for (Credential c : new Credential[]{pki.expiredAcProxy, pki.wrongKeyAcProxy, pki.otherVoProxy}) {
            X509Principal p = trust.authenticate(c.chain());
            assertThat(p.dn()).isEqualTo(TestPki.USER_DN);
            assertThat(p.vos()).as(c.toString()).isEmpty();
            assertThat(p.fqans()).isEmpty();
        }
    }

    @Test
    void anUnreadableVomsExtensionIsIgnoredButTheUserIsStillKnown() {
        X509Principal p = trust.authenticate(pki.garbledAcProxy.chain());
        assertThat(p.dn()).isEqualTo(TestPki.USER_DN);
        assertThat(p.proxy()).isTrue();
        assertThat(p.vos()).isEmpty();
        assertThat(p.fqans()).isEmpty();
        assertThat(p.rolesUntil()).isNull();
    }

    @Test
    void theAttributesAreProvenUntilTheFirstOfTheAcAndTheChainExpires() {
        Instant acEnd = Instant.now().plus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.SECONDS);
        PkiBuilder builder = new PkiBuilder(Clock.systemUTC(), new SecureRandom());
        Credential shortAc = builder.proxy(pki.user, Duration.ofHours(12), false, builder.attributeCertificate(
                pki.vomsServer, pki.user.certificate(), TestPki.VO, "voms.localhost",
                List.of("/testvo", TestPki.PRODUCTION_FQAN), Instant.now().minusSeconds(60), acEnd));
        assertThat(trust.authenticate(shortAc.chain()).rolesUntil()).isEqualTo(acEnd);

        Credential shortProxy = builder.proxy(pki.vomsProxy, Duration.ofMinutes(5), false);
        X509Principal p = trust.authenticate(shortProxy.chain());
        assertThat(p.fqans()).contains(TestPki.PRODUCTION_FQAN);
        assertThat(p.rolesUntil()).isEqualTo(shortProxy.certificate().getNotAfter().toInstant());
        assertThat(trust.authenticate(pki.proxy.chain()).rolesUntil()).as("no attributes").isNull();
    }

    @Test
    void expiredRevokedAndUntrustedCertificatesAreRefused() {
        for (Credential c : new Credential[]{pki.expiredUser, pki.revokedUser, pki.untrustedUser}) {
            assertThatThrownBy(() -> trust.authenticate(c.chain())).isInstanceOf(CannotAuthenticate.class);
        }
    }

    @Test
    void aProxyWithoutTheCertificateItWasMadeFromIsRefused() {
        assertThatThrownBy(() -> trust.authenticate(new X509Certificate[]{pki.proxy.certificate()}))
                .isInstanceOf(CannotAuthenticate.class);
        assertThatThrownBy(() -> trust.authenticate(new X509Certificate[0])).isInstanceOf(CannotAuthenticate.class);
    }
}
