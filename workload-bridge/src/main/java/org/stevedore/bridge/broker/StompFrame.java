package org.stevedore.bridge.broker;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One STOMP 1.2 frame and its wire format: a command line, {@code name:value} header lines (escaped with {@code \\},
 * {@code \c}, {@code \n}, {@code \r} except in CONNECT and CONNECTED), an empty line, the body and a NUL. Bodies
 * are written with {@code content-length} and read by it when present, else up to the NUL. A repeated header keeps
 * its first value, as the specification says. Lines may end in CRLF.
 *
 * @param command the command, e.g. {@code SEND}, {@code RECEIPT}, {@code ERROR}
 * @param headers the headers in order
 * @param body    the body (empty for most frames)
 */
public record StompFrame(String command, Map<String, String> headers, byte[] body) {

    /** Longest command or header line read, and most headers per frame: a broken peer cannot exhaust memory. */
    static final int MAX_LINE = 64 * 1024;
    static final int MAX_HEADERS = 1_000;
    /** Largest body read (broker ERROR frames and receipts are small). */
    static final int MAX_BODY = 16 * 1024 * 1024;

    public StompFrame {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public static StompFrame of(String command, Map<String, String> headers) {
        return new StompFrame(command, headers, new byte[0]);
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    private boolean escapes() {
        return !command.equals("CONNECT") && !command.equals("CONNECTED");
    }

    /** Writes the frame (with content-length when it has a body) and flushes. */
    public void writeTo(OutputStream out) throws IOException {
        StringBuilder head = new StringBuilder(command).append('\n');
        boolean escape = escapes();
        headers.forEach((k, v) -> head.append(escape ? escape(k) : k).append(':').append(escape ? escape(v) : v)
                .append('\n'));
        if (body.length > 0 && !headers.containsKey("content-length")) {
            head.append("content-length:").append(body.length).append('\n');
        }
        head.append('\n');
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(body);
        out.write(0);
        out.flush();
    }

    /**
     * Reads the next frame, skipping heart-beats (bare end-of-lines between frames); {@code onBeat} runs for each
     * heart-beat. Answers {@code null} at the end of the stream before a frame starts.
     */
    public static StompFrame readFrom(InputStream in, Runnable onBeat) throws IOException {
        String command;
        while (true) {
            String line = readLine(in, true);
            if (line == null) {
                return null;
            }
            if (!line.isEmpty()) {
                command = line;
                break;
            }
            onBeat.run();
        }
        boolean escape = !command.equals("CONNECT") && !command.equals("CONNECTED");
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            String line = readLine(in, false);
            if (line.isEmpty()) {
                break;
            }
            if (headers.size() >= MAX_HEADERS) {
                throw new IOException("STOMP frame has more than " + MAX_HEADERS + " headers");
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IOException("STOMP header line without ':' in " + command + " frame");
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1);
            headers.putIfAbsent(escape ? unescape(name) : name, escape ? unescape(value) : value);
        }
        return new StompFrame(command, headers, readBody(in, headers.get("content-length")));
    }

    private static byte[] readBody(InputStream in, String contentLength) throws IOException {
        if (contentLength != null) {
            int length;
            try {
                length = Integer.parseInt(contentLength.trim());
            } catch (NumberFormatException e) {
                throw new IOException("STOMP content-length is not a number: " + contentLength);
            }
            if (length < 0 || length > MAX_BODY) {
                throw new IOException("STOMP content-length out of range: " + length);
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("STOMP connection closed inside a frame body");
            }
            int nul = in.read();
            if (nul != 0) {
                throw new IOException("STOMP frame body not followed by NUL");
            }
            return body;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("STOMP connection closed inside a frame body");
            }
            if (b == 0) {
                return body.toByteArray();
            }
            if (body.size() >= MAX_BODY) {
                throw new IOException("STOMP frame body longer than " + MAX_BODY + " bytes");
            }
            body.write(b);
        }
    }

    /** A line without its LF or CRLF; {@code null} at the end of the stream when {@code eofOk} and nothing read. */
    private static String readLine(InputStream in, boolean eofOk) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofOk && line.size() == 0) {
                    return null;
                }
                throw new EOFException("STOMP connection closed inside a frame");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            if (line.size() >= MAX_LINE) {
                throw new IOException("STOMP line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace(":", "\\c");
    }

    static String unescape(String s) throws IOException {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i == s.length()) {
                throw new IOException("STOMP header ends in a lone backslash");
            }
            switch (s.charAt(i)) {
                case '\\' -> out.append('\\');
                case 'c' -> out.append(':');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                default -> throw new IOException("STOMP header has an undefined escape \\" + s.charAt(i));
            }
        }
        return out.toString();
    }
}
