package org.stevedore.web.config;

import java.util.List;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.stevedore.web.api.BodySizeLimitFilter;
import org.stevedore.web.api.RequestLimits;
import org.stevedore.web.auth.CallerArgumentResolver;

/** Servlet-level wiring of the API. */
@Configuration(proxyBeanMethods = false)
public class WebConfig implements WebMvcConfigurer {

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerArgumentResolver());
    }

    @Bean
    FilterRegistrationBean<BodySizeLimitFilter> bodySizeLimitFilter(StevedoreProperties properties) {
        FilterRegistrationBean<BodySizeLimitFilter> bean =
                new FilterRegistrationBean<>(new BodySizeLimitFilter(properties.api().maxBodySize().toBytes()));
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return bean;
    }

    @Bean
    RequestLimits requestLimits(StevedoreProperties properties) {
        return new RequestLimits(properties.api().maxItems(), properties.api().maxRuleDids());
    }

    /**
     * The Rucio client percent-encodes DID names, so a name with '/' arrives as one path segment holding %2F.
     * Tomcat must pass it through undecoded; Spring then decodes it inside the {name} variable.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashes() {
        return factory -> factory.addConnectorCustomizers(connector -> connector.setEncodedSolidusHandling("passthrough"));
    }
}
