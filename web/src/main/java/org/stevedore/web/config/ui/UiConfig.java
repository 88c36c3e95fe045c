package org.stevedore.web.config.ui;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.stevedore.auth.session.AuthService;
import org.stevedore.web.ui.UiSessionFilter;
import org.stevedore.web.ui.UiSessions;

/**
 * The web UI's wiring: its session filter (after the X509 filter, so a certificate login sees the principal, and
 * before the token filter, which leaves {@code /ui} to it) and its static assets under {@code /ui/assets/}: the
 * hand-written CSS and scripts, and uPlot from its WebJar. Assets need no login (they hold no data).
 */
@Configuration(proxyBeanMethods = false)
public class UiConfig implements WebMvcConfigurer {

    /** The uPlot WebJar's version, as in web/pom.xml: its files sit under a versioned path. */
    static final String UPLOT_VERSION = "1.6.30";

    @Bean
    UiSessions uiSessions(SecureRandom random, Clock clock) {
        return new UiSessions(random, clock);
    }

    @Bean
    FilterRegistrationBean<UiSessionFilter> uiSessionFilter(AuthService auth) {
        FilterRegistrationBean<UiSessionFilter> bean = new FilterRegistrationBean<>(new UiSessionFilter(auth));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 19);
        return bean;
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/ui/assets/uplot/**")
                .addResourceLocations("classpath:/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/")
                .setCacheControl(CacheControl.maxAge(Duration.ofDays(7)));
        // Not under classpath:/static/: Boot would serve those at / as well, outside the UI's filter.
        registry.addResourceHandler("/ui/assets/**")
                .addResourceLocations("classpath:/ui-assets/")
                .setCacheControl(CacheControl.noCache());
    }
}
