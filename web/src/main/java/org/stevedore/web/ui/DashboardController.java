package org.stevedore.web.ui;

import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The UI's home: the dashboard, its figures polled from {@code /ui/api/dashboard}. */
@Hidden
@Controller
public class DashboardController {

    @GetMapping({"/ui", "/ui/", "/ui/dashboard"})
    public String dashboard() {
        return "ui/dashboard";
    }
}
