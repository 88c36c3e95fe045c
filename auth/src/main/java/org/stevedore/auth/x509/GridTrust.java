package org.stevedore.auth.x509;

import eu.emi.security.authn.x509.CrlCheckingMode;
import eu.emi.security.authn.x509.NamespaceCheckingMode;
import eu.emi.security.authn.x509.ProxySupport;
import eu.emi.security.authn.x509.ValidationResult;
import eu.emi.security.authn.x509.X509CertChainValidatorExt;
import eu.emi.security.authn.x509.impl.CRLParameters;
import eu.emi.security.authn.x509.impl.OpensslCertChainValidator;
import eu.emi.security.authn.x509.impl.RevocationParametersExt;
import eu.emi.security.authn.x509.impl.ValidatorParams;
import eu.emi.security.authn.x509.proxy.ProxyUtils;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.italiangrid.voms.VOMSAttribute;
import org.italiangrid.voms.VOMSValidators;
import org.italiangrid.voms.ac.VOMSACValidator;
import org.italiangrid.voms.ac.VOMSValidationResult;
import org.italiangrid.voms.store.impl.DefaultVOMSTrustStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stevedore.catalog.error.CannotAuthenticate;

/**
 * Validates client certificate chains (end-entity certificates, RFC 3820 and legacy Globus proxies, proxies of
 * proxies) with canl against a CA directory, and the VOMS attribute certificates they carry with voms-api-java
 * against a vomsdir. The same canl validator backs the TLS trust manager, so a chain the handshake accepted is judged
 * here by the same rules.
 *
 * <p>An invalid attribute certificate (expired, signed by a key the vomsdir does not trust, of an unknown VO) is
 * ignored and logged: the caller is still who the certificate says, only without those attributes; so is a VOMS
 * extension that cannot be read at all.
 */
public final class GridTrust implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GridTrust.class);

    private final OpensslCertChainValidator chains;
    private final VOMSACValidator voms;

    public GridTrust(TrustSettings settings) {
        CrlCheckingMode crl = settings.requireCrl() ? CrlCheckingMode.REQUIRE : CrlCheckingMode.IF_VALID;
        ValidatorParams params = new ValidatorParams(new RevocationParametersExt(crl, new CRLParameters()),
                ProxySupport.ALLOW);
        // openssl 1.x subject hashes (what c_rehash and IGTF bundles write); namespaces checked where present.
        this.chains = new OpensslCertChainValidator(settings.caDirectory().toString(), true,
                NamespaceCheckingMode.EUGRIDPMA_GLOBUS, settings.refreshInterval().toMillis(), params, false);
        DefaultVOMSTrustStore vomsdir = new DefaultVOMSTrustStore(List.of(settings.vomsDirectory().toString()));
        this.voms = VOMSValidators.newValidator(vomsdir, chains);
    }

    /** The canl validator, for the TLS layer. */
    public X509CertChainValidatorExt chainValidator() {
        return chains;
    }

    /**
     * The principal of a client chain (leaf first).
     *
     * @throws CannotAuthenticate when the chain is missing or does not validate against the CA directory
     */
    public X509Principal authenticate(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            throw new CannotAuthenticate("Cannot authenticate: no client certificate");
        }
        ValidationResult result = chains.validate(chain);
        X509Certificate endEntity = ProxyUtils.getEndUserCertificate(chain);
        String dn = endEntity == null ? chain[0].getSubjectX500Principal().getName()
                : Dns.slashForm(endEntity.getSubjectX500Principal());
        if (!result.isValid() || endEntity == null) {
            log.info("Refused client certificate chain of '{}': {}", Dns.forLog(dn),
                    Dns.forLog(result.toShortString()));
            throw new CannotAuthenticate("Cannot authenticate: the client certificate chain is not valid");
        }
        Set<String> vos = new LinkedHashSet<>();
        List<String> fqans = new ArrayList<>();
        Instant rolesUntil = null;
        for (VOMSValidationResult ac : attributeCertificates(chain, dn)) {
            VOMSAttribute attributes = ac.getAttributes();
            if (ac.isValid()) {
                vos.add(attributes.getVO());
                attributes.getFQANs().stream().map(Fqans::normalize).forEach(fqans::add);
                rolesUntil = earliest(rolesUntil, attributes.getNotAfter().toInstant());
            } else {
                log.warn("Ignored a VOMS attribute certificate of VO '{}' in the chain of '{}': {}",
                        Dns.forLog(attributes == null ? "?" : attributes.getVO()), Dns.forLog(dn),
                        Dns.forLog(String.valueOf(ac.getValidationErrors())));
            }
        }
        if (rolesUntil != null) {
            for (X509Certificate certificate : chain) {
                rolesUntil = earliest(rolesUntil, certificate.getNotAfter().toInstant());
            }
        }
        return new X509Principal(dn, Dns.rfc2253Form(endEntity.getSubjectX500Principal()),
                ProxyUtils.isProxy(chain), vos, fqans, rolesUntil);
    }

    /**
     * The attribute certificates of a chain, judged. Bytes in the VOMS extension that are no attribute certificate
     * at all make voms-api-java throw rather than report: such a chain is taken without attributes, as one with an
     * expired or forged attribute certificate is, instead of failing the whole request.
     */
    private List<VOMSValidationResult> attributeCertificates(X509Certificate[] chain, String dn) {
        try {
            return voms.validateWithResult(chain);
        } catch (RuntimeException e) {
            log.warn("Ignored the VOMS extension in the chain of '{}': it cannot be read ({})", Dns.forLog(dn),
                    Dns.forLog(e.getClass().getSimpleName() + ": " + e.getMessage()));
            return List.of();
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    @Override
    public void close() {
        voms.shutdown();
        chains.dispose();
    }
}
