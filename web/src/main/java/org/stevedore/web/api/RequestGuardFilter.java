package org.stevedore.web.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, in Rucio's shape, two kinds of request that would otherwise slip past the API's checks:
 * <ul>
 *   <li>TRACE. Tomcat refuses it itself, but with an empty answer that no error page reaches; the connectors let
 *   TRACE through to this filter instead (never further: the servlet's own TRACE would echo the request, token
 *   included).</li>
 *   <li>A DELETE whose body is of a type the API does not read (XML, a form, multipart). Spring ignores such a body
 *   on DELETE rather than refusing it, so {@code DELETE /rules/{id}} with {@code purge_replicas} in an XML body
 *   deleted the rule without purging. A body without a Content-Type is left as it was.</li>
 * </ul>
 */
public class RequestGuardFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if ("TRACE".equals(request.getMethod())) {
            response.setHeader("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
            Errors.write(response, HttpStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed", "Method TRACE is not supported");
            return;
        }
        if ("DELETE".equals(request.getMethod()) && hasBody(request) && !json(request.getContentType())) {
            Errors.write(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "InvalidObject",
                    "Unsupported content type " + Errors.headerSafe(request.getContentType())
                            + "; send application/json");
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    private static boolean json(String contentType) {
        if (contentType == null) {
            return true;
        }
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json");
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
