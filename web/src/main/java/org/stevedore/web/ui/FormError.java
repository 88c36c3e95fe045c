package org.stevedore.web.ui;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.ui.Model;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.web.api.Errors;

/**
 * The web UI's form-error convention: a failed action re-renders its form (nothing was written: the gateways check
 * everything before they write) with the API's exact {@code ExceptionClass} and {@code ExceptionMessage} next to the
 * field it concerns ({@code null}: the form as a whole). Pages put it in the model as {@code formError} and show it
 * with the layout's {@code fieldError(field)} fragment; {@link #rejected} answers with the API's HTTP status (and,
 * to a client that does not accept HTML, with the API's JSON refusal).
 *
 * @param field          the form field the refusal concerns, or null for the whole form
 * @param exceptionClass Rucio's exception class name, as the API's {@code ExceptionClass}
 * @param message        the API's {@code ExceptionMessage}, word for word
 */
public record FormError(String field, String exceptionClass, String message) {

    /** The model attribute the templates read. */
    public static final String MODEL_ATTRIBUTE = "formError";

    /** A refusal concerning the whole form. */
    public static FormError of(StevedoreException e) {
        return of(null, e);
    }

    /** A refusal concerning one field. */
    public static FormError of(String field, StevedoreException e) {
        return new FormError(field, e.exceptionClass(), e.getMessage());
    }

    /**
     * Re-renders {@code view} for a refused action: the API's status for the refusal, the error as {@code formError}
     * in the model. The controller puts the submitted values back in the model itself.
     */
    public static String rejected(HttpServletResponse response, Model model, String field, StevedoreException e,
                                  String view) {
        // A client that does not accept HTML gets the API's JSON refusal ({@link UiExceptionHandler}), not a form.
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                && !UiSessionFilter.acceptsHtml(attributes.getRequest())) {
            throw e;
        }
        response.setStatus(Errors.status(e.kind()).value());
        model.addAttribute(MODEL_ATTRIBUTE, of(field, e));
        return view;
    }

    /** Whether this error belongs next to {@code name} (the layout's fragment asks). */
    public boolean isFor(String name) {
        return field == null ? name == null || name.isEmpty() : field.equals(name);
    }
}
