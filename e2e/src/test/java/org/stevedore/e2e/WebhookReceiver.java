package org.stevedore.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A workflow system's webhook endpoint: takes every POST (answering 200), counting per job how many deliveries
 * named it and per idempotency key how many times it came, so the test can say every released job was announced
 * exactly once.
 */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Integer> byJob = new HashMap<>();
    private final Map<String, Integer> byKey = new HashMap<>();
    private final List<String> bodies = new ArrayList<>();

    WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/hook", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                received(exchange.getRequestHeaders().getFirst("Idempotency-Key"), body);
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    private synchronized void received(String key, String body) {
        bodies.add(body);
        byKey.merge(String.valueOf(key), 1, Integer::sum);
        Object jobs = Http.object(body).get("jobIds");
        if (jobs instanceof List<?> ids) {
            for (Object id : ids) {
                byJob.merge(String.valueOf(id), 1, Integer::sum);
            }
        }
    }

    /** The URL to register ({@code localhost}, which the instances are told to allow). */
    String url() {
        return "http://localhost:" + server.getAddress().getPort() + "/hook";
    }

    synchronized Map<String, Integer> deliveriesByJob() {
        return Map.copyOf(byJob);
    }

    synchronized Map<String, Integer> deliveriesByKey() {
        return Map.copyOf(byKey);
    }

    synchronized int received() {
        return bodies.size();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
