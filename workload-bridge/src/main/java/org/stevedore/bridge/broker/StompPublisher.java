package org.stevedore.bridge.broker;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Publishes to a STOMP 1.2 broker (ActiveMQ, Artemis, RabbitMQ's STOMP plugin) the way Rucio's Hermes does: one SEND
 * per message to the configured destination with headers {@code persistent:true} and {@code event_type}, the body
 * Hermes's JSON. Unlike Hermes, every SEND asks for a RECEIPT and a batch counts as sent only when every receipt has
 * come back: at least once. An ERROR frame, a receipt that does not come within the timeout, or a peer silent past
 * its heart-beat fails the batch and drops the connection; the next batch reconnects.
 *
 * <p>A small client over a socket ({@link StompFrame} parses the frames): one reader thread per connection takes
 * RECEIPT, ERROR and heart-beats; a timer sends our heart-beats while idle.
 */
public final class StompPublisher implements Publisher {

    /**
     * @param virtualHost the CONNECT {@code host} header (RabbitMQ: the virtual host, e.g. {@code /})
     * @param heartBeat   the heart-beat interval offered both ways (zero: none)
     */
    public record Settings(String host, int port, String virtualHost, String login, String passcode, boolean ssl,
            String destination, Duration heartBeat, Duration connectTimeout, Duration receiptTimeout) {
        public Settings {
            if (host == null || host.isBlank() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("STOMP host and port (1-65535) are required");
            }
            if (destination == null || destination.isBlank()) {
                throw new IllegalArgumentException("STOMP destination is required");
            }
        }
    }

    private final Settings settings;
    private Connection connection;
    private long receipts;

    public StompPublisher(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void publish(List<HermesMessage> messages) throws IOException, InterruptedException {
        if (messages.isEmpty()) {
            return;
        }
        try {
            Connection c = connection();
            List<CompletableFuture<StompFrame>> pending = new ArrayList<>();
            for (HermesMessage m : messages) {
                String receipt = "stevedore-" + (++receipts);
                pending.add(c.expect(receipt));
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("destination", settings.destination());
                headers.put("content-type", "application/json");
                headers.put("content-length", Integer.toString(m.body().length));
                headers.put("persistent", "true");
                headers.put("event_type", m.eventType());
                headers.put("event_id", m.eventId());
                headers.put("receipt", receipt);
                c.send(new StompFrame("SEND", headers, m.body()));
            }
            long deadline = System.nanoTime() + settings.receiptTimeout().toNanos();
            for (CompletableFuture<StompFrame> f : pending) {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
            close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            String why = e instanceof TimeoutException ? "no RECEIPT within " + settings.receiptTimeout() : cause.getMessage();
            throw new IOException("STOMP publish to " + describe() + " failed: " + why, cause);
        }
    }

    private Connection connection() throws IOException {
        if (connection != null && connection.alive()) {
            return connection;
        }
        close();
        connection = Connection.open(settings);
        return connection;
    }

    @Override
    public String describe() {
        return (settings.ssl() ? "stomp+ssl://" : "stomp://") + settings.host() + ":" + settings.port()
                + " destination '" + settings.destination() + "'";
    }

    @Override
    public void close() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            c.close();
        }
    }

    /** One connected session: the socket, its reader thread and its heart-beat timer. */
    private static final class Connection {

        private final Socket socket;
        private final OutputStream out;
        private final Map<String, CompletableFuture<StompFrame>> pending = new ConcurrentHashMap<>();
        private final long sendEveryMillis;
        private final long expectEveryMillis;
        private volatile long lastReceived = System.currentTimeMillis();
        private volatile long lastSent = System.currentTimeMillis();
        private volatile IOException failure;
        private final Thread reader;
        private final Thread beater;

        private Connection(Socket socket, OutputStream out, InputStream in, long sendEvery, long expectEvery) {
            this.socket = socket;
            this.out = out;
            this.sendEveryMillis = sendEvery;
            this.expectEveryMillis = expectEvery;
            this.reader = new Thread(() -> read(in), "stomp-reader");
            this.beater = new Thread(this::beat, "stomp-heart-beat");
            reader.setDaemon(true);
            beater.setDaemon(true);
            reader.start();
            beater.start();
        }

        static Connection open(Settings s) throws IOException {
            Socket socket = s.ssl() ? SSLSocketFactory.getDefault().createSocket() : new Socket();
            try {
                if (socket instanceof SSLSocket ssl) {
                    SSLParameters params = ssl.getSSLParameters();
                    params.setEndpointIdentificationAlgorithm("HTTPS");
                    ssl.setSSLParameters(params);
                }
                socket.connect(new InetSocketAddress(s.host(), s.port()), (int) s.connectTimeout().toMillis());
                socket.setSoTimeout((int) s.connectTimeout().toMillis());
                OutputStream out = new BufferedOutputStream(socket.getOutputStream());
                InputStream in = new BufferedInputStream(socket.getInputStream());
                long beat = s.heartBeat().toMillis();
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("accept-version", "1.2");
                headers.put("host", s.virtualHost());
                if (s.login() != null && !s.login().isEmpty()) {
                    headers.put("login", s.login());
                    headers.put("passcode", s.passcode() == null ? "" : s.passcode());
                }
                headers.put("heart-beat", beat + "," + beat);
                StompFrame.of("CONNECT", headers).writeTo(out);
                StompFrame answer = StompFrame.readFrom(in, () -> { });
                if (answer == null) {
                    throw new IOException("connection closed before CONNECTED");
                }
                if (answer.command().equals("ERROR")) {
                    throw new IOException("broker refused CONNECT: " + errorText(answer));
                }
                if (!answer.command().equals("CONNECTED")) {
                    throw new IOException("expected CONNECTED, got " + answer.command());
                }
                if (!"1.2".equals(answer.header("version"))) {
                    throw new IOException("broker does not speak STOMP 1.2 (version " + answer.header("version") + ")");
                }
                long[] server = heartBeat(answer.header("heart-beat"));
                // We send every max(ours, what it wants); we expect every max(ours, what it offers); 0 turns one off.
                long sendEvery = beat == 0 || server[1] == 0 ? 0 : Math.max(beat, server[1]);
                long expectEvery = beat == 0 || server[0] == 0 ? 0 : Math.max(beat, server[0]);
                socket.setSoTimeout(0);
                return new Connection(socket, out, in, sendEvery, expectEvery);
            } catch (SocketTimeoutException e) {
                socket.close();
                throw new IOException("no CONNECTED within the connect timeout", e);
            } catch (IOException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }

        private static long[] heartBeat(String header) throws IOException {
            if (header == null) {
                return new long[] {0, 0};
            }
            String[] parts = header.split(",");
            try {
                return new long[] {Long.parseLong(parts[0].trim()), Long.parseLong(parts[1].trim())};
            } catch (RuntimeException e) {
                throw new IOException("malformed heart-beat header: " + header);
            }
        }

        static String errorText(StompFrame error) {
            String message = error.header("message");
            String body = error.bodyText().strip();
            return (message == null ? "" : message) + (body.isEmpty() ? "" : " (" + body + ")");
        }

        CompletableFuture<StompFrame> expect(String receipt) {
            CompletableFuture<StompFrame> f = new CompletableFuture<>();
            pending.put(receipt, f);
            if (failure != null) {
                f.completeExceptionally(failure);
            }
            return f;
        }

        synchronized void send(StompFrame frame) throws IOException {
            if (failure != null) {
                throw failure;
            }
            frame.writeTo(out);
            lastSent = System.currentTimeMillis();
        }

        boolean alive() {
            return failure == null && !socket.isClosed();
        }

        private void read(InputStream in) {
            try {
                while (true) {
                    StompFrame frame = StompFrame.readFrom(in, () -> lastReceived = System.currentTimeMillis());
                    if (frame == null) {
                        fail(new IOException("broker closed the connection"));
                        return;
                    }
                    lastReceived = System.currentTimeMillis();
                    switch (frame.command()) {
                        case "RECEIPT" -> {
                            CompletableFuture<StompFrame> f = pending.remove(String.valueOf(frame.header("receipt-id")));
                            if (f != null) {
                                f.complete(frame);
                            }
                        }
                        case "ERROR" -> {
                            // After an ERROR the broker closes the connection; everything not yet receipted failed.
                            fail(new IOException("broker sent ERROR: " + errorText(frame)));
                            return;
                        }
                        default -> { } // MESSAGE frames cannot come: this client subscribes to nothing
                    }
                }
            } catch (IOException e) {
                fail(e);
            }
        }

        private void beat() {
            try {
                while (failure == null) {
                    Thread.sleep(250);
                    long now = System.currentTimeMillis();
                    if (expectEveryMillis > 0 && now - lastReceived > 2 * expectEveryMillis) {
                        fail(new IOException("broker silent for " + (now - lastReceived) + " ms (heart-beat "
                                + expectEveryMillis + " ms)"));
                        return;
                    }
                    if (sendEveryMillis > 0 && now - lastSent >= sendEveryMillis) {
                        synchronized (this) {
                            out.write("\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            lastSent = now;
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                fail(e);
            }
        }

        private void fail(IOException e) {
            if (failure == null) {
                failure = e;
            }
            pending.values().forEach(f -> f.completeExceptionally(failure));
            pending.clear();
            try {
                socket.close();
            } catch (IOException ignored) {
                // already broken
            }
        }

        void close() {
            if (failure == null) {
                try {
                    send(StompFrame.of("DISCONNECT", Map.of()));
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            fail(new IOException("connection closed"));
            beater.interrupt();
        }
    }
}
