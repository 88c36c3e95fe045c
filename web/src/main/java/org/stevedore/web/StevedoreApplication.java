package org.stevedore.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Stevedore service: REST API, daemons and the embedded defaults, in one process. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class StevedoreApplication {

    public static void main(String[] args) {
        SpringApplication.run(StevedoreApplication.class, args);
    }
}
