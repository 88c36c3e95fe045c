package org.stevedore.web.config;

import org.apache.catalina.Host;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.stevedore.web.api.RequestGuardFilter;
import org.stevedore.web.api.RucioErrorReportValve;

/**
 * Tomcat's error page becomes Rucio's error document, and TRACE, which Tomcat refuses without one, is refused by
 * {@link RequestGuardFilter} instead (with DELETE bodies of a type the API does not read). The host's error report valve is swapped for
 * {@link RucioErrorReportValve} once the host has started, when both Tomcat's default valve and the one Spring Boot
 * adds are in place, so neither can write its HTML page first. The HTTPS connector serves the same host.
 */
@Configuration(proxyBeanMethods = false)
public class ErrorReportConfig {

    /** Before every other filter, so that what it refuses reaches nothing that reads the request. */
    @Bean
    FilterRegistrationBean<RequestGuardFilter> requestGuardFilter() {
        FilterRegistrationBean<RequestGuardFilter> bean = new FilterRegistrationBean<>(new RequestGuardFilter());
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return bean;
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> traceToTheFilter() {
        return factory -> factory.addConnectorCustomizers(connector -> connector.setAllowTrace(true));
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> rucioErrorReportValve() {
        return factory -> factory.addContextCustomizers(context -> {
            Host host = (Host) context.getParent();
            host.addLifecycleListener(event -> {
                if (Lifecycle.AFTER_START_EVENT.equals(event.getType())) {
                    useRucioErrorReports(host.getPipeline());
                }
            });
        });
    }

    static void useRucioErrorReports(Pipeline pipeline) {
        boolean present = false;
        for (Valve valve : pipeline.getValves()) {
            if (valve instanceof RucioErrorReportValve) {
                present = true;
            } else if (valve instanceof ErrorReportValve) {
                pipeline.removeValve(valve);
            }
        }
        if (!present) {
            pipeline.addValve(new RucioErrorReportValve());
        }
    }
}
