package org.stevedore.web.api;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's last word on a failed request, in Rucio's error shape instead of Tomcat's HTML page. Requests that Tomcat
 * refuses before the application sees them (a request line or header it cannot parse, bad percent-encoding, an
 * overlong header) end here; so does anything the application left as a bare error status. Both connectors share
 * the host this valve sits on, so plain HTTP and HTTPS answer alike.
 */
public class RucioErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // Not only errors sent with sendError: an empty 4xx set with setStatus (the actuator's 404) gets its body too.
        if (status < 400 || response.getContentWritten() > 0 || response.isCommitted()) {
            return;
        }
        response.setErrorReported();
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        String exceptionClass = Errors.exceptionClass(status);
        String message = message(status, response.getMessage(), throwable);
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.setHeader("ExceptionClass", exceptionClass);
            response.setHeader("ExceptionMessage", Errors.headerSafe(message));
            PrintWriter writer = response.getReporter();
            if (writer != null) {
                writer.write(Errors.json(exceptionClass, message));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response was committed meanwhile: nothing more can be said.
            container.getLogger().debug("Cannot write the error report", e);
        }
    }

    /** Tomcat's own reason when it gave one (its parser's messages name the offending part), else the status's. */
    static String message(int status, String reason, Throwable throwable) {
        if (status >= 500) {
            return "Internal error; see the server log";
        }
        String detail = throwable != null && throwable.getMessage() != null ? throwable.getMessage() : reason;
        String what = switch (status) {
            case 400 -> "Malformed request";
            case 404 -> "No such path";
            case 405 -> "Method not allowed";
            case 408 -> "Request timed out";
            case 413 -> "Request too large";
            case 414 -> "Request URL too long";
            case 431 -> "Request headers too large";
            default -> "Request refused (HTTP " + status + ")";
        };
        detail = Errors.withoutClassNames(detail);
        return detail == null || detail.isBlank() ? what : what + ": " + detail;
    }
}
