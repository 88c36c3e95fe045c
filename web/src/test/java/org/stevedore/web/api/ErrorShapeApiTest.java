package org.stevedore.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.stevedore.auth.pki.TestPki;
import org.stevedore.web.support.ApiTest;
import org.stevedore.web.support.RawHttp;
import org.stevedore.web.tls.HttpsConnector;

/**
 * Every refusal is in Rucio's shape, including those Spring or Tomcat make before a controller runs: requests Tomcat
 * cannot parse are sent over a bare socket, as no HTTP client library would send them.
 */
class ErrorShapeApiTest extends ApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    HttpsConnector https;

    private RawHttp raw() {
        return new RawHttp(port);
    }

    private static Map<String, Object> assertRucioShape(RawHttp.Answer a, int status, String exceptionClass) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.header("Content-Type")).startsWith("application/json");
        assertThat(a.header("ExceptionClass")).isEqualTo(exceptionClass);
        assertThat(a.header("ExceptionMessage")).isNotBlank();
        Map<String, Object> body;
        try {
            body = JSON.readValue(a.body(), new TypeReference<>() { });
        } catch (IOException e) {
            throw new AssertionError("Not Rucio's error document: " + a.body(), e);
        }
        assertThat(body).containsEntry("ExceptionClass", exceptionClass).containsKey("ExceptionMessage");
        assertThat(a.body()).doesNotContain("<html", "org.", "java.", "Exception:");
        return body;
    }

    @Test
    void theErrorPathAskedForDirectlyIsNotFound() {
        String token = "X-Rucio-Auth-Token: " + rootToken();
        for (String method : new String[]{"GET", "POST", "DELETE"}) {
            assertRucioShape(raw().send(method, "/error", null), 404, "NotFound");
            assertRucioShape(raw().send(method, "/error", null, token), 404, "NotFound");
        }
        assertError(api.get("/error"), 404, "NotFound", "/error");
    }

    @Test
    void requestsTomcatRefusesAnswerInRucioShape() {
        String token = "X-Rucio-Auth-Token: " + rootToken();
        assertThat(assertRucioShape(raw().send("GET", "/dids/%zz", null, token), 400, "InvalidObject")
                .get("ExceptionMessage").toString()).startsWith("Malformed request");
        assertRucioShape(raw().send("GET", "/dids/a%00b/c", null, token), 400, "InvalidObject");
        assertRucioShape(raw().send("GET", "/dids/{x}/y", null, token), 400, "InvalidObject");
        assertRucioShape(raw().send("GET", "/dids/a\u0001b", null, token), 400, "InvalidObject");
        assertRucioShape(raw().send("G(T", "/ping", null), 400, "InvalidObject");
        assertRucioShape(raw().send("GET", "/ping", null, "X-Long: " + "x".repeat(20_000)), 400, "InvalidObject");
        assertRucioShape(raw().send("GET", "/dids/" + "a".repeat(20_000), null, token), 400, "InvalidObject");
        assertRucioShape(raw().sendRaw("GET /ping HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1), null), 400, "InvalidObject");
    }

    @Test
    void theHttpsConnectorAnswersTheSame() {
        RawHttp overTls = new RawHttp(trustingTheTestCa().getSocketFactory(), https.localPort());
        assertRucioShape(overTls.send("GET", "/dids/%zz", null), 400, "InvalidObject");
        assertRucioShape(overTls.send("GET", "/error", null), 404, "NotFound");
        assertRucioShape(overTls.send("TRACE", "/ping", null), 405, "MethodNotAllowed");
    }

    @Test
    void springsOwnRefusalsAnswerInRucioShape() {
        String token = "X-Rucio-Auth-Token: " + rootToken();
        assertRucioShape(raw().send("GET", "/ping", null, "Accept: text/html"), 406, "InvalidObject");
        assertRucioShape(raw().send("PATCH", "/ping", null), 405, "MethodNotAllowed");
        assertRucioShape(raw().send("POST", "/rules/", "{}".getBytes(StandardCharsets.UTF_8), token,
                "Content-Type: text/plain"), 415, "InvalidObject");
        assertRucioShape(raw().send("GET", "/nothing/here", null, token), 404, "NotFound");
        assertRucioShape(raw().send("GET", "/actuator/health/nothing", null), 404, "NotFound");
        RawHttp.Answer trace = raw().send("TRACE", "/ping", null, token);
        assertRucioShape(trace, 405, "MethodNotAllowed");
        assertThat(trace.body()).doesNotContain(rootToken().substring(0, 10));
        // Spring's form filter reads PUT bodies of this type before any controller; a broken one is the caller's fault.
        assertRucioShape(raw().send("PUT", "/rses/X", "a=%zz".getBytes(StandardCharsets.UTF_8), token,
                "Content-Type: application/x-www-form-urlencoded"), 400, "InvalidObject");
        // No endpoint takes uploads: a multipart body is an unsupported type, never parsed; on DELETE, where Spring
        // would ignore a body it cannot read, it is refused too.
        assertRucioShape(raw().send("POST", "/rules/", "{}".getBytes(StandardCharsets.UTF_8), token,
                "Content-Type: multipart/form-data; boundary=x"), 415, "InvalidObject");
        for (String type : new String[]{"multipart/form-data; boundary=x", "application/xml",
                "application/x-www-form-urlencoded", "nonsense"}) {
            assertRucioShape(raw().send("DELETE", "/rules/nosuchrule", "{\"purge_replicas\": true}"
                    .getBytes(StandardCharsets.UTF_8), token, "Content-Type: " + type), 415, "InvalidObject");
        }
    }

    /** Jackson's messages name Java types and its own methods; the caller is told what is wrong in its terms. */
    @Test
    void bodyErrorsNameNoInternalClasses() {
        String token = "X-Rucio-Auth-Token: " + rootToken();
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("/rules/", "[".repeat(1_001) + "]".repeat(1_001));
        bodies.put("/dids/fz/ds/meta", "{\"meta\": {\"a\": " + "9".repeat(1_500) + "}}");
        bodies.put("/replicas/list", "{\"dids\": {\"scope\": \"x\"}}");
        bodies.put("/bridge/tasks", "{\"taskId\": \"t\", \"split\": 5}");
        bodies.put("/campaigns", "{\"priority\": 2147483648}");
        bodies.put("/dids", "{\"scope\": \"x\"}");
        for (Map.Entry<String, String> b : bodies.entrySet()) {
            RawHttp.Answer a = raw().send("POST", b.getKey(), b.getValue().getBytes(StandardCharsets.UTF_8), token,
                    "Content-Type: application/json");
            Map<String, Object> body = assertRucioShape(a, 400, "InvalidObject");
            assertThat((String) body.get("ExceptionMessage")).as(b.getKey()).doesNotContain("`", "$", "Constraints");
        }
    }

    private static SSLContext trustingTheTestCa() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", TestPki.get().ca.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
