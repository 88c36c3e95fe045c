package org.stevedore.transfer.conveyor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.stevedore.transfer.tool.JobStatus;
import org.stevedore.transfer.tool.SubmittedJob;
import org.stevedore.transfer.tool.TransferJob;
import org.stevedore.transfer.tool.TransferTool;
import org.stevedore.transfer.tool.TransferToolException;
import org.stevedore.transfer.tool.UnusableTransferTool;

class TransferToolsTest {

    /** A tool that only records whether it was closed. */
    private static final class Closable implements TransferTool, AutoCloseable {
        final String url;
        boolean closed;

        Closable(String url) {
            this.url = url;
        }

        @Override
        public List<SubmittedJob> submit(List<TransferJob> jobs) {
            return List.of();
        }

        @Override
        public Map<String, JobStatus> query(List<String> jobIds) {
            return Map.of();
        }

        @Override
        public void cancel(List<String> jobIds) {
        }

        @Override
        public void setPriority(String jobId, int priority) {
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final List<String> asked = new ArrayList<>();
    private final List<Closable> made = new ArrayList<>();
    private final TransferTool local = new Closable("local");

    private TransferTools tools() {
        return new TransferTools(Map.of("local", local), "local", url -> {
            asked.add(url);
            Closable c = new Closable(url);
            made.add(c);
            return c;
        });
    }

    @Test
    void anRseWithoutFtsGoesToTheDefaultToolAndOneWithAUrlToItsCanonicalForm() {
        TransferTools tools = tools();
        assertThat(tools.hostFor(null)).hasValue("local");
        assertThat(tools.hostFor("https://FTS3.example.org:8446")).hasValue("https://fts3.example.org:8446/");
        assertThat(tools.hostFor(" https://fts3.example.org:8446/ ")).hasValue("https://fts3.example.org:8446/");
        assertThat(tools.tool("local")).containsSame(local);
        assertThat(asked).isEmpty();
    }

    @Test
    void oneClientPerUrlMadeOnFirstUseAndClosedWithTheTools() {
        TransferTools tools = tools();
        TransferTool first = tools.tool("https://fts3.example.org:8446").orElseThrow();
        TransferTool again = tools.tool("https://fts3.example.org:8446/").orElseThrow();
        TransferTool other = tools.tool("https://fts3-other.example.org:8446/").orElseThrow();

        assertThat(again).isSameAs(first);
        assertThat(other).isNotSameAs(first);
        assertThat(asked).containsExactly("https://fts3.example.org:8446/", "https://fts3-other.example.org:8446/");

        tools.close();
        assertThat(made).allSatisfy(c -> assertThat(c.closed).isTrue());
        assertThat(((Closable) local).closed).isFalse();
    }

    @Test
    void aUrlThatIsNoUrlGetsAToolThatFailsWithTheReason() {
        TransferTool tool = tools().tool("fts3.example.org:8446").orElseThrow();
        assertThat(tool).isInstanceOf(UnusableTransferTool.class);
        assertThatThrownBy(() -> tool.submit(List.of())).isInstanceOf(TransferToolException.class)
                .hasMessageContaining("'fts3.example.org:8446'").hasMessageContaining("not an http(s) URL");
        assertThat(asked).isEmpty();
    }

    @Test
    void aClientThatCouldNotBeBuiltIsTriedAgainOnTheNextUse() {
        int[] calls = {0};
        TransferTools tools = new TransferTools(Map.of(), null, url -> {
            if (calls[0]++ == 0) {
                throw new IllegalArgumentException("no CA certificate in /etc/grid-security/certificates");
            }
            return new Closable(url);
        });
        TransferTool broken = tools.tool("https://fts3.example.org:8446/").orElseThrow();
        assertThatThrownBy(() -> broken.query(List.of("j"))).hasMessageContaining("no CA certificate");

        assertThat(tools.tool("https://fts3.example.org:8446/").orElseThrow()).isInstanceOf(Closable.class);
        assertThat(calls[0]).isEqualTo(2);
    }

    @Test
    void withoutAFactoryOnlyTheFixedToolsExist() {
        TransferTools tools = new TransferTools(Map.of("local", local), "local");
        assertThat(tools.hostFor("https://fts3.example.org:8446")).isEmpty();
        assertThat(tools.tool("https://fts3.example.org:8446/")).isEmpty();
    }
}
