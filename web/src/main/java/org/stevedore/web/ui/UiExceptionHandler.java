package org.stevedore.web.ui;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;
import org.stevedore.catalog.error.StevedoreException;
import org.stevedore.web.api.Errors;

/**
 * A refusal on a UI page (a DID that does not exist, an RSE the caller may not see) becomes the error page with the
 * API's status, class and message, inside the layout. The UI's JSON endpoints ({@code /ui/api/}) and clients that
 * do not accept HTML get the API's Rucio-shaped JSON answer.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
@ControllerAdvice(basePackageClasses = UiExceptionHandler.class)
public class UiExceptionHandler {

    private final UiModel model;

    public UiExceptionHandler(UiModel model) {
        this.model = model;
    }

    @ExceptionHandler(StevedoreException.class)
    Object refused(StevedoreException e, HttpServletRequest request, HttpServletResponse response) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!UiSessionFilter.wantsPage(request, path)) {
            return Errors.entity(Errors.status(e.kind()), e.exceptionClass(), e.getMessage());
        }
        response.setHeader("ExceptionClass", e.exceptionClass());
        ModelAndView page = new ModelAndView("ui/error", Errors.status(e.kind()));
        page.addObject("status", Errors.status(e.kind()).value());
        page.addObject(FormError.MODEL_ATTRIBUTE, FormError.of(e));
        page.addObject("me", model.me(request));
        page.addObject("csrf", model.csrf(request));
        return page;
    }
}
