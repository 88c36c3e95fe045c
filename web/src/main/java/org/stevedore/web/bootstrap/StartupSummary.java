package org.stevedore.web.bootstrap;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ApplicationListener;

/**
 * The last start-up line, the one a newcomer reads: where the API listens (each connector with its scheme and the
 * port it really bound, random ports included), where root's password is, and where the catalog lives. Spring's own
 * lines name ports but not URLs, and the password file is named only on the first start, among many other lines.
 */
public final class StartupSummary implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(StartupSummary.class);

    /** One listening connector: {@code http} or {@code https}, the host to reach it, the bound port. */
    public record Endpoint(String scheme, String host, int port) {

        String url() {
            String h = host.contains(":") ? "[" + host + "]" : host;
            return scheme + "://" + h + ":" + port;
        }
    }

    private final Path passwordFile;
    private final String store;

    /**
     * @param passwordFile where root's generated password is (named only when the file exists)
     * @param store        the catalog, as it may be shown: the embedded directory or the external URI
     */
    public StartupSummary(Path passwordFile, String store) {
        this.passwordFile = passwordFile;
        this.store = store;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (event.getApplicationContext() instanceof ServletWebServerApplicationContext web
                && web.getWebServer() instanceof TomcatWebServer tomcat) {
            List<Endpoint> endpoints = new ArrayList<>();
            for (Connector c : tomcat.getTomcat().getService().findConnectors()) {
                if (c.getLocalPort() > 0) {
                    endpoints.add(new Endpoint(c.getScheme(), host(c.getProperty("address")), c.getLocalPort()));
                }
            }
            log.info(summary(endpoints, Files.isRegularFile(passwordFile) ? passwordFile : null, store));
        }
    }

    /** The line itself, kept apart from Tomcat so that it can be checked without a server. */
    public static String summary(List<Endpoint> endpoints, Path passwordFile, String store) {
        StringBuilder line = new StringBuilder("Stevedore is ready. API:");
        for (Endpoint e : endpoints) {
            line.append(' ').append(e.url())
                    .append("https".equals(e.scheme()) ? " (X509/VOMS and passwords)" : " (tokens and passwords)");
        }
        if (passwordFile != null) {
            line.append(". Log in as root with the password in ").append(passwordFile.toAbsolutePath());
        }
        return line.append(". Catalog: ").append(store).append('.').toString();
    }

    private static String host(Object address) {
        if (address instanceof InetAddress a) {
            return a.isAnyLocalAddress() ? "localhost" : a.getHostAddress();
        }
        return address == null ? "localhost" : address.toString().replaceFirst("^.*/", "");
    }
}
