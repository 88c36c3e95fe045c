package org.stevedore.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.stevedore.catalog.error.StevedoreException;

/** The one shape of every error response: status, {@code ExceptionClass}/{@code ExceptionMessage} headers and body. */
public final class Errors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Errors() {
    }

    public static HttpStatus status(StevedoreException.Kind kind) {
        return switch (kind) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case TOO_LARGE -> HttpStatus.PAYLOAD_TOO_LARGE;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
    }

    public static ResponseEntity<ErrorBody> entity(HttpStatus status, String exceptionClass, String message) {
        return ResponseEntity.status(status)
                .header("ExceptionClass", exceptionClass)
                .header("ExceptionMessage", headerSafe(message))
                .contentType(MediaType.APPLICATION_JSON)
                .body(new ErrorBody(exceptionClass, message));
    }

    /** For filters, which run before Spring MVC's exception handling. */
    public static void write(HttpServletResponse response, HttpStatus status, String exceptionClass, String message)
            throws IOException {
        response.resetBuffer();
        response.setStatus(status.value());
        response.setHeader("ExceptionClass", exceptionClass);
        response.setHeader("ExceptionMessage", headerSafe(message));
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        byte[] body = JSON.writeValueAsBytes(new ErrorBody(exceptionClass, message));
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Header values must be one line of printable ASCII. */
    static String headerSafe(String message) {
        if (message == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(message.length(), 1000));
        for (int i = 0; i < message.length() && b.length() < 1000; i++) {
            char c = message.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }


}
