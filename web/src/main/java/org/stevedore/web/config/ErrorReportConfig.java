package org.stevedore.web.config;

import org.apache.catalina.Host;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Valve;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.stevedore.web.api.RucioErrorReportValve;

/**
 * Tomcat's error page becomes Rucio's error document. The host's error report valve is swapped for
 * {@link RucioErrorReportValve} once the host has started, when both Tomcat's default valve and the one Spring Boot
 * adds are in place, so neither can write its HTML page first. The HTTPS connector serves the same host.
 */
@Configuration(proxyBeanMethods = false)
public class ErrorReportConfig {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> rucioErrorReports() {
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
