package org.stevedore.web.fuzz;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * One method and path pattern of the API, with what its handler reads: path variables, query parameters, the body's
 * Java type. Enumerated from Spring's own mapping, so an endpoint added tomorrow is fuzzed tomorrow.
 *
 * @param body       the generic type of the {@code @RequestBody}, or null
 * @param consumes   the media types the mapping accepts (empty: any)
 */
record Endpoint(String method, String pattern, List<String> variables, Type body, Map<String, Class<?>> params,
                Set<MediaType> consumes) {

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}/]+)}");
    private static final List<String> ANY_METHOD = List.of("GET", "POST", "PUT", "DELETE");

    static List<Endpoint> all(RequestMappingHandlerMapping mapping) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mapping.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = e.getKey();
            Type body = null;
            Map<String, Class<?>> params = new TreeMap<>();
            for (MethodParameter p : e.getValue().getMethodParameters()) {
                p.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
                if (p.hasParameterAnnotation(RequestBody.class)) {
                    body = p.getGenericParameterType();
                }
                RequestParam param = p.getParameterAnnotation(RequestParam.class);
                if (param != null) {
                    String name = !param.name().isEmpty() ? param.name() : !param.value().isEmpty() ? param.value()
                            : p.getParameterName();
                    params.put(name, p.getParameterType());
                }
            }
            Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
            List<String> names = methods.isEmpty() ? ANY_METHOD : methods.stream().map(Enum::name).toList();
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith("/test-")) {
                    continue; // probes of the test context, not the service's API
                }
                List<String> variables = new ArrayList<>();
                Matcher m = VARIABLE.matcher(pattern);
                while (m.find()) {
                    variables.add(m.group(1));
                }
                for (String method : names) {
                    endpoints.add(new Endpoint(method, pattern, List.copyOf(variables), body, Map.copyOf(params),
                            info.getConsumesCondition().getConsumableMediaTypes()));
                }
            }
        }
        endpoints.sort(Comparator.comparing(Endpoint::pattern).thenComparing(Endpoint::method));
        return List.copyOf(endpoints);
    }

    /** Extra paths outside the API's controllers: Spring Boot's actuator, the error path, an unknown path. */
    static List<Endpoint> extras() {
        List<Endpoint> extras = new ArrayList<>();
        for (String path : List.of("/actuator", "/actuator/health", "/actuator/health/liveness", "/actuator/info",
                "/actuator/env", "/actuator/heapdump", "/error", "/nothing/here", "/", "/auth/x509", "/auth/x509_proxy")) {
            extras.add(new Endpoint("GET", path, List.of(), null, Map.of(), Set.of()));
            extras.add(new Endpoint("POST", path, List.of(), null, Map.of(), Set.of()));
        }
        return extras;
    }

    boolean writes() {
        return !method.equals("GET");
    }

    /** Whether the handler reads a JSON body (a text body of any content is valid input). */
    boolean readsJson() {
        return body != null && body != String.class;
    }

    /** Paths that need no token: they hand tokens out, or say nothing about the catalog. */
    boolean open() {
        return pattern.equals("/ping") || pattern.startsWith("/auth/") && !pattern.equals("/auth/validate")
                || pattern.startsWith("/actuator") || pattern.equals("/error");
    }
}
