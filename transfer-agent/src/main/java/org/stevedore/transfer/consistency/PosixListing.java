package org.stevedore.transfer.consistency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A walk of a posix RSE's prefix directory, depth first, one directory's entries in memory at a time. Siblings are
 * visited in the order of their name with a '/' after directories' names, which makes the walk's order the plain
 * {@link String} order of the full relative paths ({@code a.b} before {@code a/b}), the order the catalog's paths are
 * read in. Symbolic links are not followed, and only regular files are listed.
 */
public final class PosixListing implements StorageListing {

    private final Path root;
    private final Instant listedAt;

    public PosixListing(Path root, Instant listedAt) {
        this.root = root;
        this.listedAt = listedAt;
    }

    @Override
    public String source() {
        return "posix";
    }

    @Override
    public Instant listedAt() {
        return listedAt;
    }

    private record Entry(String key, String path, boolean directory) {
    }

    @Override
    public Paths open() throws IOException {
        Deque<Iterator<Entry>> stack = new ArrayDeque<>();
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            stack.push(children(root, "").iterator());
        }
        return new Paths() {
            private String next;
            private long refused;

            @Override
            public boolean hasNext() {
                while (next == null && !stack.isEmpty()) {
                    Iterator<Entry> top = stack.peek();
                    if (!top.hasNext()) {
                        stack.pop();
                        continue;
                    }
                    Entry e = top.next();
                    if (e.directory()) {
                        try {
                            stack.push(children(root.resolve(e.path()), e.path() + "/").iterator());
                        } catch (IOException ex) {
                            throw new UncheckedIOException(ex);
                        }
                    } else if (RelativePaths.safe(e.path())) {
                        next = e.path();
                    } else {
                        refused++;
                    }
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String out = next;
                next = null;
                return out;
            }

            @Override
            public long refused() {
                return refused;
            }

            @Override
            public void close() {
                stack.clear();
            }
        };
    }

    private static List<Entry> children(Path dir, String prefix) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(new Entry(name + "/", prefix + name, true));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(new Entry(name, prefix + name, false));
                }
            }
        }
        out.sort(Comparator.comparing(Entry::key));
        return out;
    }
}
