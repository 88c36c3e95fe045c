package org.stevedore.web.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.stevedore.catalog.error.StevedoreException;

/**
 * Replaces Spring Boot's error controller. Errors that happen outside the controllers (a filter's, the container's)
 * are forwarded here and answered in Rucio's shape; asked for directly, {@code /error} is a path like any unknown one:
 * 404. Boot's own controller answered a direct request with 500 and a document of its own.
 */
@RestController
public class RucioErrorController implements ErrorController {

    private static final Logger log = LoggerFactory.getLogger(RucioErrorController.class);

    @RequestMapping("${server.error.path:${error.path:/error}}")
    public ResponseEntity<ErrorBody> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        if (!(code instanceof Integer status)) {
            return Errors.entity(HttpStatus.NOT_FOUND, "NotFound", "No such path: " + request.getRequestURI());
        }
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        for (Object t = failure; t instanceof Throwable throwable; t = throwable.getCause()) {
            if (t instanceof StevedoreException domain) {
                return Errors.entity(Errors.status(domain.kind()), domain.exceptionClass(), domain.getMessage());
            }
            // A filter's refusal of the request itself (Spring's form filter reading a malformed body, ...).
            if (t instanceof HttpMessageNotReadableException) {
                return Errors.entity(HttpStatus.BAD_REQUEST, "InvalidObject", "Malformed request body");
            }
            if (t instanceof ErrorResponse refusal && refusal.getStatusCode().is4xxClientError()) {
                int code4xx = refusal.getStatusCode().value();
                return Errors.entity(HttpStatus.valueOf(code4xx), Errors.exceptionClass(code4xx),
                        RucioErrorReportValve.message(code4xx, null, null));
            }
            if (throwable.getCause() == throwable) {
                break;
            }
        }
        HttpStatus resolved = HttpStatus.resolve(status);
        HttpStatus answer = resolved == null || status < 400 ? HttpStatus.INTERNAL_SERVER_ERROR : resolved;
        if (answer.is5xxServerError()) {
            log.error("Failure outside the controllers at {} (status {})",
                    request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI), status,
                    failure instanceof Throwable t ? t : null);
        }
        Object reason = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        return Errors.entity(answer, Errors.exceptionClass(answer.value()), RucioErrorReportValve.message(answer.value(),
                reason instanceof String s ? s : null, null));
    }
}
