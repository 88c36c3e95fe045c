package org.stevedore.web.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * Writes a list as {@code application/x-json-stream}: one JSON document per line, each as it comes from the store,
 * never the whole list in memory. Nothing is committed before the first document, so a refusal found before it
 * (an unknown DID, say) still becomes a proper error response.
 */
public final class JsonStream {

    public static final String CONTENT_TYPE = "application/x-json-stream";

    private final ObjectMapper mapper;
    private final HttpServletResponse response;
    private JsonGenerator generator;
    private OutputStream out;

    private JsonStream(ObjectMapper mapper, HttpServletResponse response) {
        this.mapper = mapper;
        this.response = response;
    }

    /**
     * Runs {@code producer}, streaming what it emits. If it fails before emitting anything, the failure propagates
     * with the response untouched; an empty result is an empty 200 stream.
     */
    public static void respond(ObjectMapper mapper, HttpServletResponse response, Consumer<Consumer<Object>> producer) {
        JsonStream stream = new JsonStream(mapper, response);
        producer.accept(stream::write);
        stream.finish();
    }

    private void write(Object document) {
        try {
            if (generator == null) {
                start();
            }
            generator.writeObject(document);
            // Into the response's buffer, not onto the network: the servlet container sends a chunk whenever its
            // buffer fills, so the first documents still leave long before the last is read, but a listing of
            // 10,000 files no longer costs 10,000 network writes (the flush used to reach the socket each time).
            generator.flush();
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start() throws IOException {
        response.setStatus(200);
        // Set on the header directly: the Rucio client compares the content type exactly, with no charset.
        response.setHeader("Content-Type", CONTENT_TYPE);
        out = response.getOutputStream();
        generator = mapper.getFactory().createGenerator(out);
        generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        generator.disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    }

    private void finish() {
        try {
            if (generator == null) {
                start();
            }
            generator.close();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
