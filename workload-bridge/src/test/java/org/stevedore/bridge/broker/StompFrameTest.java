package org.stevedore.bridge.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The STOMP 1.2 wire format: escapes, bodies by content-length or NUL, heart-beats, CRLF, bounds. */
class StompFrameTest {

    private static InputStream wire(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFrameWrittenIsReadBackWithEscapedHeadersAndItsBody() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("destination", "/topic/a:b");
        headers.put("note", "line1\nline2\\end\r");
        byte[] body = "{\"a\":1}\u0000tail".getBytes(StandardCharsets.UTF_8); // a NUL inside: content-length needed
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new StompFrame("SEND", headers, body).writeTo(out);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("destination:/topic/a\\cb\n")
                .contains("content-length:" + body.length + "\n");

        StompFrame back = StompFrame.readFrom(new ByteArrayInputStream(out.toByteArray()), () -> { });
        assertThat(back.command()).isEqualTo("SEND");
        assertThat(back.headers()).containsAllEntriesOf(headers);
        assertThat(back.body()).isEqualTo(body);
    }

    @Test
    void heartBeatsBetweenFramesAreCountedAndSkippedAndCrlfLinesRead() throws IOException {
        AtomicInteger beats = new AtomicInteger();
        InputStream in = wire("\n\r\n\nRECEIPT\r\nreceipt-id:r-1\r\nreceipt-id:second\r\n\r\n\u0000\n");
        StompFrame f = StompFrame.readFrom(in, beats::incrementAndGet);
        assertThat(beats).hasValue(3);
        assertThat(f.command()).isEqualTo("RECEIPT");
        assertThat(f.header("receipt-id")).as("a repeated header keeps its first value").isEqualTo("r-1");
        assertThat(StompFrame.readFrom(in, beats::incrementAndGet)).as("end of stream after a beat").isNull();
        assertThat(beats).hasValue(4);
    }

    @Test
    void anErrorFrameWithoutContentLengthIsReadToItsNul() throws IOException {
        StompFrame f = StompFrame.readFrom(wire("ERROR\nmessage:not allowed\n\nthe details\u0000"), () -> { });
        assertThat(f.command()).isEqualTo("ERROR");
        assertThat(f.header("message")).isEqualTo("not allowed");
        assertThat(f.bodyText()).isEqualTo("the details");
    }

    @Test
    void connectedHeadersAreNotUnescaped() throws IOException {
        StompFrame f = StompFrame.readFrom(wire("CONNECTED\nserver:x\\cy\nversion:1.2\n\n\u0000"), () -> { });
        assertThat(f.header("server")).isEqualTo("x\\cy");
    }

    @Test
    void malformedFramesAreRefused() {
        assertThatThrownBy(() -> StompFrame.readFrom(wire("RECEIPT\nno colon\n\n\u0000"), () -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("without ':'");
        assertThatThrownBy(() -> StompFrame.readFrom(wire("RECEIPT\nx:\\t\n\n\u0000"), () -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("undefined escape");
        assertThatThrownBy(() -> StompFrame.readFrom(wire("MESSAGE\ncontent-length:5\n\nab"), () -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("closed inside");
        assertThatThrownBy(() -> StompFrame.readFrom(wire("MESSAGE\ncontent-length:2\n\nabX"), () -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("NUL");
        assertThatThrownBy(() -> StompFrame.readFrom(wire("MESSAGE\ncontent-length:-1\n\n\u0000"), () -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("out of range");
    }

    @Test
    void hermesCreatedAtIsPythonsStrOfANaiveUtcDatetime() {
        assertThat(HermesMessage.pythonTime(java.time.Instant.parse("2026-12-07T10:00:00Z")))
                .isEqualTo("2026-12-07 10:00:00");
        assertThat(HermesMessage.pythonTime(java.time.Instant.parse("2026-12-07T10:00:00.123Z")))
                .isEqualTo("2026-12-07 10:00:00.123000");
    }
}
