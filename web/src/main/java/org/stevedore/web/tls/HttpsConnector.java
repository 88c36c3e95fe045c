package org.stevedore.web.tls;

import eu.emi.security.authn.x509.X509CertChainValidatorExt;
import eu.emi.security.authn.x509.X509Credential;
import eu.emi.security.authn.x509.impl.SocketFactoryCreator;
import java.security.SecureRandom;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;

/**
 * The HTTPS connector: TLS with the host credential, canl's trust manager, and client certificates wanted but not
 * needed (so userpass and tokens work over HTTPS too). Added next to Boot's plain HTTP connector.
 */
public final class HttpsConnector {

    private final Connector connector;

    public HttpsConnector(X509Credential host, X509CertChainValidatorExt validator, SecureRandom random, String address,
                          int port) {
        javax.net.ssl.SSLContext jsse = SocketFactoryCreator.getSSLContext(host, validator, random);
        SSLHostConfig ssl = new SSLHostConfig();
        ssl.setCertificateVerification("optional");
        ssl.setProtocols("TLSv1.2+TLSv1.3");
        SSLHostConfigCertificate certificate =
                new SSLHostConfigCertificate(ssl, SSLHostConfigCertificate.Type.UNDEFINED);
        certificate.setSslContext(new CanlTomcatSslContext(jsse, host.getCertificateChain(),
                validator.getTrustedIssuers()));
        ssl.addCertificate(certificate);

        connector = new Connector(Http11NioProtocol.class.getName());
        connector.setScheme("https");
        connector.setSecure(true);
        connector.setPort(port);
        connector.setEncodedSolidusHandling("passthrough"); // as on the HTTP connector: DID names carry %2F
        connector.setAllowTrace(true); // as on the HTTP connector: RequestGuardFilter answers it in Rucio's shape
        Http11NioProtocol protocol = (Http11NioProtocol) connector.getProtocolHandler();
        protocol.setSSLEnabled(true);
        if (address != null && !address.isBlank()) {
            connector.setProperty("address", address);
        }
        connector.addSslHostConfig(ssl);
    }

    public Connector connector() {
        return connector;
    }

    /** The bound port once the server runs (differs from the configured one when that was 0). */
    public int localPort() {
        return connector.getLocalPort();
    }
}
