package org.stevedore.web.tls;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.TrustManager;
import org.apache.tomcat.util.net.SSLContext;

/**
 * Hands Tomcat a ready JSSE context whose trust manager is canl's, so the handshake accepts RFC 3820 and legacy
 * proxy chains (JSSE's own PKIX trust manager refuses them) and checks CRLs and namespaces as grid services do.
 * Tomcat uses a context given this way as it is; {@link #init} is never needed.
 */
final class CanlTomcatSslContext implements SSLContext {

    private final javax.net.ssl.SSLContext context;
    private final X509Certificate[] serverChain;
    private final X509Certificate[] acceptedIssuers;

    CanlTomcatSslContext(javax.net.ssl.SSLContext context, X509Certificate[] serverChain,
                         X509Certificate[] acceptedIssuers) {
        this.context = context;
        this.serverChain = serverChain.clone();
        this.acceptedIssuers = acceptedIssuers.clone();
    }

    @Override
    public void init(KeyManager[] kms, TrustManager[] tms, SecureRandom sr) {
        // Already initialised with canl's managers.
    }

    @Override
    public void destroy() {
    }

    @Override
    public SSLSessionContext getServerSessionContext() {
        return context.getServerSessionContext();
    }

    @Override
    public SSLEngine createSSLEngine() {
        return context.createSSLEngine();
    }

    @Override
    public SSLServerSocketFactory getServerSocketFactory() {
        return context.getServerSocketFactory();
    }

    @Override
    public SSLParameters getSupportedSSLParameters() {
        return context.getSupportedSSLParameters();
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return serverChain.clone();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return acceptedIssuers.clone();
    }
}
