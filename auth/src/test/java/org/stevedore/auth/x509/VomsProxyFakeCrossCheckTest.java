package org.stevedore.auth.x509;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.auth.pki.PkiBuilder;
import org.stevedore.auth.pki.TestPki;
import org.stevedore.testsupport.Counterparts;

/**
 * A VOMS proxy made by a real grid tool, {@code voms-proxy-fake} (Debian package {@code voms-clients}, installed by
 * {@code .ci/run}), signed with the test PKI's VOMS server credential, is accepted with its VO and FQANs: our PKI
 * files and our validation agree with the C VOMS implementation, not only with ourselves.
 */
class VomsProxyFakeCrossCheckTest {

    @TempDir
    Path dir;

    @Test
    void aProxyMadeByVomsProxyFakeIsAcceptedWithItsFqans() throws Exception {
        Path tool = findOnPath("voms-proxy-fake");
        if (tool == null) {
            System.err.println("SKIPPED VomsProxyFakeCrossCheckTest: voms-proxy-fake is not installed "
                    + "(apt-get install voms-clients; .ci/run does this)");
        }
        Counterparts.require(tool != null, "voms-proxy-fake (Debian package voms-clients)");

        TestPki pki = TestPki.get();
        PkiBuilder.writeCertificates(dir.resolve("usercert.pem"), pki.user.certificate());
        PkiBuilder.writeKey(dir.resolve("userkey.pem"), pki.user.key());
        PkiBuilder.writeCertificates(dir.resolve("vomscert.pem"), pki.vomsServer.certificate());
        PkiBuilder.writeKey(dir.resolve("vomskey.pem"), pki.vomsServer.key());
        Path out = dir.resolve("x509up_fake");

        Process p = new ProcessBuilder(tool.toString(),
                "-cert", dir.resolve("usercert.pem").toString(), "-key", dir.resolve("userkey.pem").toString(),
                "-hostcert", dir.resolve("vomscert.pem").toString(), "-hostkey", dir.resolve("vomskey.pem").toString(),
                "-certdir", pki.caDirectory().toString(),
                "-voms", TestPki.VO, "-uri", "voms.localhost:15000",
                "-fqan", "/testvo/Role=production", "-rfc", "-hours", "2", "-out", out.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();

        try (GridTrust trust = new GridTrust(pki.trust())) {
            X509Principal principal = trust.authenticate(readChain(out));
            assertThat(principal.dn()).isEqualTo(TestPki.USER_DN);
            assertThat(principal.proxy()).isTrue();
            assertThat(principal.vos()).containsExactly(TestPki.VO);
            assertThat(principal.fqans()).contains("/testvo/Role=production");
        }
    }

    /** A proxy file: certificates and the key interleaved; the certificates in file order are the chain. */
    private static X509Certificate[] readChain(Path file) throws IOException, CertificateException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file); PEMParser pem = new PEMParser(reader)) {
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                }
            }
        }
        return chain.toArray(X509Certificate[]::new);
    }

    private static Path findOnPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(d, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
