package org.stevedore.transfer.consistency;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * A storage dump in Rucio's format: one path per line, relative to the RSE's prefix (a leading '/' is tolerated),
 * in any order. Sorted on disk in runs of {@code runSize} lines merged on reading, so a dump of millions of lines
 * never sits in memory whole. Blank lines are skipped; lines that are no safe relative path are refused (counted).
 * Its time is the file's modification time: the storage was dumped then.
 */
public final class DumpListing implements StorageListing {

    private final Path dump;
    private final Path tmp;
    private final int runSize;

    public DumpListing(Path dump, Path tmp, int runSize) {
        this.dump = dump;
        this.tmp = tmp;
        this.runSize = runSize;
    }

    @Override
    public String source() {
        return "dump";
    }

    @Override
    public Instant listedAt() {
        try {
            return Files.getLastModifiedTime(dump).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Head(String line, BufferedReader reader) {
    }

    @Override
    public Paths open() throws IOException {
        List<Path> runs = new ArrayList<>();
        long[] refused = {0};
        try (BufferedReader in = Files.newBufferedReader(dump, StandardCharsets.UTF_8)) {
            List<String> run = new ArrayList<>(Math.min(runSize, 1 << 16));
            String line;
            while ((line = in.readLine()) != null) {
                String path = line.strip();
                while (path.startsWith("/")) {
                    path = path.substring(1);
                }
                if (path.isEmpty()) {
                    continue;
                }
                if (!RelativePaths.safe(path)) {
                    refused[0]++;
                    continue;
                }
                run.add(path);
                if (run.size() >= runSize) {
                    runs.add(write(run));
                    run.clear();
                }
            }
            if (!run.isEmpty()) {
                runs.add(write(run));
            }
        }
        PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> a.line().compareTo(b.line()));
        List<BufferedReader> readers = new ArrayList<>();
        for (Path run : runs) {
            BufferedReader r = Files.newBufferedReader(run, StandardCharsets.UTF_8);
            readers.add(r);
            String first = r.readLine();
            if (first != null) {
                heads.add(new Head(first, r));
            }
        }
        return new Paths() {
            private String last;

            @Override
            public boolean hasNext() {
                while (!heads.isEmpty() && heads.peek().line().equals(last)) {
                    advance();
                }
                return !heads.isEmpty();
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                last = heads.peek().line();
                advance();
                return last;
            }

            private void advance() {
                Head h = heads.poll();
                try {
                    String line = h.reader().readLine();
                    if (line != null) {
                        heads.add(new Head(line, h.reader()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public long refused() {
                return refused[0];
            }

            @Override
            public void close() throws IOException {
                for (BufferedReader r : readers) {
                    r.close();
                }
                for (Path run : runs) {
                    Files.deleteIfExists(run);
                }
            }
        };
    }

    private Path write(List<String> run) throws IOException {
        Collections.sort(run);
        Path file = Files.createTempFile(tmp, "consistency-run-", ".txt");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (String p : run) {
                out.write(p);
                out.write('\n');
            }
        }
        return file;
    }
}
