package org.stevedore.web.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.stevedore.web.support.ApiClient;
import org.stevedore.web.support.ApiTest;

/**
 * The OpenAPI description covers every endpoint the application maps (enumerated from the handler mapping, so a new
 * controller method missing from the description fails here), is served with Swagger UI without a token, declares
 * the token and X509 schemes, and marks the Rucio-compatible operations.
 */
class OpenApiRestTest extends ApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    private JsonNode description() throws Exception {
        HttpResponse<String> r = new ApiClient(port).get("/v3/api-docs");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void everyMappedEndpointIsInTheDescription() throws Exception {
        JsonNode paths = description().get("paths");
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            Class<?> type = e.getValue().getBeanType();
            if (type.getName().startsWith("org.springdoc.") || ErrorController.class.isAssignableFrom(type)) {
                continue; // the description's own endpoints and the error page are not the API
            }
            boolean ui = type.getPackageName().equals("org.stevedore.web.ui");
            for (String path : e.getKey().getPatternValues()) {
                if (ui) {
                    // The web UI's pages and the JSON of its own scripts are not the API; they stay under /ui (and
                    // the browser's redirect of /), so hiding them cannot hide an API endpoint.
                    if (!path.equals("/") && !path.equals("/ui") && !path.startsWith("/ui/")) {
                        missing.add("UI handler outside /ui: " + path + " (" + type.getSimpleName() + ")");
                    }
                    continue;
                }
                for (RequestMethod method : e.getKey().getMethodsCondition().getMethods()) {
                    checked++;
                    JsonNode item = paths.get(path);
                    if (item == null || item.get(method.name().toLowerCase(Locale.ROOT)) == null) {
                        missing.add(method + " " + path + " (" + type.getSimpleName() + ")");
                    }
                }
            }
        }
        assertThat(checked).as("handler mappings enumerated").isGreaterThan(100);
        assertThat(missing).as("endpoints missing from /v3/api-docs").isEmpty();
    }

    @Test
    void theDescriptionAndSwaggerUiNeedNoToken() {
        ApiClient anonymous = new ApiClient(port);
        HttpResponse<String> ui = anonymous.get("/swagger-ui.html");
        assertThat(ui.statusCode()).isEqualTo(302);
        String location = ui.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> page = anonymous.get(location.replaceFirst("^https?://[^/]+", ""));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("swagger-ui");
        assertThat(anonymous.get("/v3/api-docs/swagger-config").statusCode()).isEqualTo(200);
        // The rest of the API still needs a token, refused in Rucio's shape.
        HttpResponse<String> rses = anonymous.get("/rses/");
        assertThat(rses.statusCode()).isEqualTo(401);
        assertThat(rses.headers().firstValue("ExceptionClass")).hasValue("CannotAuthenticate");
    }

    @Test
    void theAuthSchemesAreDeclaredAndOpenEndpointsNeedNone() throws Exception {
        JsonNode doc = description();
        assertThat(doc.get("openapi").asText()).startsWith("3.1");
        JsonNode schemes = doc.at("/components/securitySchemes");
        assertThat(schemes.at("/rucioToken/type").asText()).isEqualTo("apiKey");
        assertThat(schemes.at("/rucioToken/in").asText()).isEqualTo("header");
        assertThat(schemes.at("/rucioToken/name").asText()).isEqualTo("X-Rucio-Auth-Token");
        assertThat(schemes.at("/x509/type").asText()).isEqualTo("mutualTLS");
        assertThat(doc.at("/security/0/rucioToken").isArray()).isTrue();
        assertThat(doc.at("/paths/~1ping/get/security").isArray()).isTrue();
        assertThat(doc.at("/paths/~1ping/get/security")).isEmpty();
        assertThat(doc.at("/paths/~1auth~1userpass/get/security")).isEmpty();
        assertThat(doc.at("/paths/~1auth~1x509/get/security/0/x509").isArray()).isTrue();
        assertThat(doc.at("/paths/~1rses~1{rse}/get/security").isMissingNode()).as("the global token requirement").isTrue();
        assertThat(doc.at("/paths/~1auth~1userpass/get/parameters").findValuesAsText("name"))
                .contains("X-Rucio-Username", "X-Rucio-Password", "X-Rucio-Account");
        assertThat(doc.at("/paths/~1rses~1{rse}/get/parameters").findValuesAsText("name"))
                .as("the caller is the session's, not a parameter").containsExactly("rse");
    }

    @Test
    void rucioCompatibleEndpointsSaySoAndStevedoresOwnDoNot() throws Exception {
        JsonNode doc = description();
        JsonNode rule = doc.at("/paths/~1rules~1{id}/get");
        assertThat(rule.get("x-rucio-compatible").asBoolean()).isTrue();
        assertThat(rule.get("tags").toString()).contains("Rucio-compatible");
        assertThat(rule.get("summary").asText()).endsWith("(Rucio-compatible)");
        JsonNode task = doc.at("/paths/~1bridge~1tasks/post");
        assertThat(task.has("x-rucio-compatible")).isFalse();
        assertThat(task.get("tags").toString()).contains("Stevedore").doesNotContain("Rucio-compatible");
        assertThat(task.get("summary").asText()).isNotBlank().doesNotContain("Rucio");
    }
}
