package org.stevedore.auth.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.AttributeCertificate;

/**
 * The development PKI of the embedded default, so that X509 and VOMS work on a fresh machine without a grid CA:
 *
 * <pre>
 * pki/certificates/&lt;hash&gt;.0, &lt;hash&gt;.r0   the dev CA and its (empty) CRL: the CA directory
 * pki/hostcert.pem, hostkey.pem             the server's certificate for localhost
 * pki/usercert.pem, userkey.pem             a user certificate and key ({@value #USER_DN})
 * pki/x509up                                an RFC 3820 proxy of the user with a VOMS AC of VO {@value #VO}
 *                                           carrying {@value #PRODUCTION_FQAN} (valid {@value #PROXY_DAYS} days)
 * pki/vomsdir/&lt;vo&gt;/voms.localhost.lsc       the vomsdir trusting the dev VOMS server
 * pki/ca.pem                                the CA certificate alone, for curl's --cacert
 * </pre>
 *
 * Made once; later starts reuse it. Not for production: its CA key is thrown away, nothing else can be issued.
 */
public final class DevPki {

    public static final String VO = "stevedore.dev";
    public static final String USER_DN = "/DC=dev/DC=stevedore/CN=Dev User";
    public static final String PRODUCTION_FQAN = "/stevedore.dev/Role=production";
    static final int PROXY_DAYS = 30;

    private final PkiBuilder pki;
    private final Clock clock;

    public DevPki(PkiBuilder pki, Clock clock) {
        this.pki = pki;
        this.clock = clock;
    }

    public static Path caDirectory(Path pkiDir) {
        return pkiDir.resolve("certificates");
    }

    public static Path vomsDirectory(Path pkiDir) {
        return pkiDir.resolve("vomsdir");
    }

    public static Path hostCertificate(Path pkiDir) {
        return pkiDir.resolve("hostcert.pem");
    }

    public static Path hostKey(Path pkiDir) {
        return pkiDir.resolve("hostkey.pem");
    }

    /** Makes the PKI under {@code pkiDir} unless its host certificate is already there; true when it made it. */
    public boolean ensure(Path pkiDir) {
        if (Files.exists(hostCertificate(pkiDir))) {
            return false;
        }
        try {
            Files.createDirectories(pkiDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Credential ca = pki.ca("/DC=dev/DC=stevedore/CN=Stevedore Development CA", Duration.ofDays(3650));
        PkiBuilder.writeCaDirectory(caDirectory(pkiDir), ca.certificate(), pki.crl(ca));
        PkiBuilder.writeCertificates(pkiDir.resolve("ca.pem"), ca.certificate());

        Credential host = pki.host(ca, "localhost");
        PkiBuilder.writeCertificates(hostCertificate(pkiDir), host.certificate());
        PkiBuilder.writeKey(hostKey(pkiDir), host.key());

        Credential user = pki.user(ca, USER_DN);
        PkiBuilder.writeCertificates(pkiDir.resolve("usercert.pem"), user.certificate());
        PkiBuilder.writeKey(pkiDir.resolve("userkey.pem"), user.key());

        Credential voms = pki.vomsServer(ca, "localhost");
        PkiBuilder.writeLsc(vomsDirectory(pkiDir), VO, "voms.localhost", voms);
        Instant now = clock.instant();
        AttributeCertificate ac = pki.attributeCertificate(voms, user.certificate(), VO, "voms.localhost",
                List.of("/" + VO, PRODUCTION_FQAN), now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofDays(PROXY_DAYS)));
        PkiBuilder.writeProxyFile(pkiDir.resolve("x509up"), pki.proxy(user, Duration.ofDays(PROXY_DAYS), false, ac));
        return true;
    }
}
