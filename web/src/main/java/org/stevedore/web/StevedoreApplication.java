package org.stevedore.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Stevedore service: REST API, daemons and the embedded defaults, in one process. */
// Boot would build a second Neo4j driver aimed at localhost:7687; the catalog owns the one driver.
@SpringBootApplication(excludeName = {
        "org.springframework.boot.autoconfigure.neo4j.Neo4jAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.neo4j.Neo4jHealthContributorAutoConfiguration"})
@ConfigurationPropertiesScan
public class StevedoreApplication {

    public static void main(String[] args) {
        SpringApplication.run(StevedoreApplication.class, args);
    }
}
