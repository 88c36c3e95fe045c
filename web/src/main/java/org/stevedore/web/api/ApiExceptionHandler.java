package org.stevedore.web.api;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.stream.Collectors;
import org.neo4j.driver.exceptions.Neo4jException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.stevedore.catalog.error.StevedoreException;

/**
 * The one place where failures become HTTP answers. Domain refusals keep their Rucio class name; malformed input
 * becomes a 400 naming the problem; anything unexpected is logged here and answered without internals.
 */
@RestControllerAdvice
public class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(StevedoreException.class)
    ResponseEntity<ErrorBody> domain(StevedoreException e) {
        return Errors.entity(Errors.status(e.kind()), e.exceptionClass(), e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        while (cause != null) {
            if (cause instanceof StevedoreException domainError) {
                return domain(domainError);
            }
            cause = cause.getCause();
        }
        return Errors.entity(HttpStatus.BAD_REQUEST, "InvalidObject", describe(e));
    }

    private static String describe(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            // Syntax errors may arrive wrapped in a mapping exception when they happen inside an object.
            if (t instanceof JsonParseException) {
                cause = t;
                break;
            }
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            // The parser's limits (nesting depth, number and string lengths): the body is too big in one place.
            if (t instanceof StreamConstraintsException limit) {
                return "Request body exceeds a limit of the JSON parser: "
                        + Errors.withoutClassNames(limit.getOriginalMessage());
            }
        }
        if (cause instanceof JsonParseException parse) {
            return "Malformed JSON body: " + Errors.withoutClassNames(parse.getOriginalMessage()) + " at line " + parse.getLocation().getLineNr()
                    + ", column " + parse.getLocation().getColumnNr();
        }
        if (cause instanceof InvalidFormatException format) {
            return "Invalid value " + quote(format.getValue()) + " for '" + path(format) + "': expected "
                    + simpleType(format.getTargetType());
        }
        if (cause instanceof MismatchedInputException mismatch) {
            String where = path(mismatch);
            return where.isEmpty() ? "Request body has the wrong shape: expected " + simpleType(mismatch.getTargetType())
                    : "Wrong type for '" + where + "': expected " + simpleType(mismatch.getTargetType());
        }
        if (cause instanceof JsonMappingException mapping) {
            return "Invalid request body: " + Errors.withoutClassNames(mapping.getOriginalMessage());
        }
        return "Missing or unreadable request body";
    }

    private static String quote(Object value) {
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String simpleType(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        return type.getSimpleName();
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ErrorBody> badParameter(MethodArgumentTypeMismatchException e) {
        return Errors.entity(HttpStatus.BAD_REQUEST, "InvalidObject",
                "Invalid value '" + e.getValue() + "' for parameter '" + e.getName() + "'");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ErrorBody> missingParameter(MissingServletRequestParameterException e) {
        return Errors.entity(HttpStatus.BAD_REQUEST, "InvalidObject", "Missing parameter '" + e.getParameterName() + "'");
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ErrorBody> missingHeader(MissingRequestHeaderException e) {
        return Errors.entity(HttpStatus.BAD_REQUEST, "InvalidObject", "Missing header '" + e.getHeaderName() + "'");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ErrorBody> mediaType(HttpMediaTypeNotSupportedException e) {
        return Errors.entity(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "InvalidObject",
                "Unsupported content type " + e.getContentType() + "; send application/json");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ErrorBody> method(HttpRequestMethodNotSupportedException e) {
        return Errors.entity(HttpStatus.METHOD_NOT_ALLOWED, "MethodNotAllowed",
                "Method " + e.getMethod() + " is not supported here");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ErrorBody> noResource(NoResourceFoundException e) {
        return Errors.entity(HttpStatus.NOT_FOUND, "NotFound", "No such path: /" + e.getResourcePath());
    }

    @ExceptionHandler(Neo4jException.class)
    ResponseEntity<ErrorBody> store(Neo4jException e) {
        log.error("Catalog store failure", e);
        return Errors.entity(HttpStatus.SERVICE_UNAVAILABLE, "DatabaseException",
                "The catalog store failed the operation; it has been rolled back");
    }

    /**
     * Spring's other refusals of a request (an unacceptable Accept header, a binding problem, ...) keep their 4xx
     * status, in Rucio's shape and in the caller's terms.
     */
    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> unexpected(Exception e) {
        if (e instanceof ErrorResponse refusal && refusal.getStatusCode().is4xxClientError()) {
            int status = refusal.getStatusCode().value();
            String detail = Errors.withoutClassNames(refusal.getBody().getDetail());
            return Errors.entity(HttpStatus.valueOf(status), Errors.exceptionClass(status),
                    detail == null || detail.isBlank() ? "The request was refused (HTTP " + status + ")" : detail);
        }
        log.error("Unexpected failure", e);
        return Errors.entity(HttpStatus.INTERNAL_SERVER_ERROR, "RucioException", "Internal error; see the server log");
    }
}
