package org.stevedore.web.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.stevedore.catalog.error.StevedoreException;

/** The one shape of every error response: status, {@code ExceptionClass}/{@code ExceptionMessage} headers and body. */
public final class Errors {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QUALIFIED_EXCEPTION =
            Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:? ?");
    /** Jackson's ", from `StreamReadConstraints.getMaxNestingDepth()`" after a limit it names. */
    private static final Pattern CONSTRAINT_SOURCE = Pattern.compile(",? from `[^`]*`");
    /** Any other back-quoted dotted Java name, {@code `Foo.bar()`}. */
    private static final Pattern QUOTED_MEMBER =
            Pattern.compile("`[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z0-9_$<>,\\[\\]]+)+(?:\\(\\))?`");
    private static final Pattern QUALIFIED_NAME = Pattern.compile(
            "`?\\b(?:org|java|javax|jakarta|com|sun|jdk)\\.(?:[A-Za-z_$][A-Za-z0-9_$]*\\.)+[A-Za-z_$][A-Za-z0-9_$]*`?");

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

    /**
     * An error in Rucio's shape whose body also carries {@code details} after {@code ExceptionClass} and
     * {@code ExceptionMessage}: a refusal that says more than a sentence (e.g. why a job is held).
     */
    public static ResponseEntity<Map<String, Object>> entity(HttpStatus status, String exceptionClass, String message,
                                                             Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ExceptionClass", exceptionClass);
        body.put("ExceptionMessage", message);
        body.putAll(details);
        return ResponseEntity.status(status)
                .header("ExceptionClass", exceptionClass)
                .header("ExceptionMessage", headerSafe(message))
                .contentType(MediaType.APPLICATION_JSON)
                .body(body);
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

    /**
     * Rucio's class for an HTTP status that no domain exception chose: the refusals that happen before a controller
     * runs (Spring's or Tomcat's own).
     */
    public static String exceptionClass(int status) {
        return switch (status) {
            case 401 -> "CannotAuthenticate";
            case 403 -> "AccessDenied";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 413 -> "PayloadTooLarge";
            case 503 -> "ServiceUnavailable";
            default -> status >= 500 ? "RucioException" : "InvalidObject";
        };
    }

    /**
     * A message taken from a library (Tomcat's parser, Spring's binding) without the Java class names some of them
     * carry ({@code java.lang.IllegalArgumentException: ...}, {@code `org.stevedore.web...Body`}): callers are told
     * what is wrong with their request, not how the server is built.
     */
    public static String withoutClassNames(String message) {
        if (message == null) {
            return null;
        }
        String s = QUALIFIED_EXCEPTION.matcher(message).replaceAll("");
        s = CONSTRAINT_SOURCE.matcher(s).replaceAll("");
        s = QUALIFIED_NAME.matcher(s).replaceAll("a value");
        s = QUOTED_MEMBER.matcher(s).replaceAll("a value");
        return s.length() > 500 ? s.substring(0, 500) + "..." : s;
    }

    /** The error document as JSON text, for writers outside Spring MVC. */
    static String json(String exceptionClass, String message) throws IOException {
        return JSON.writeValueAsString(new ErrorBody(exceptionClass, message));
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
