package org.stevedore.transfer.consistency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A storage's directory tree walked depth first, one directory's entries in memory at a time, for the listings that
 * have a tree (posix, WebDAV). Each directory's entries come sorted by their key, a directory's name followed by
 * '/', which makes the walk's order the plain {@link String} order of the full relative paths ({@code a.b} before
 * {@code a/b}), the order the catalog's paths are read in.
 */
final class TreeWalk implements StorageListing.Paths {

    /** An entry of a directory: its sort key, its path relative to the listing's root, and whether it is a directory. */
    record Node(String key, String path, boolean directory) {
    }

    /** How a listing reads one directory. */
    interface Children {
        /**
         * The entries of directory {@code dir} ({@code ""} for the root, else ending in '/'), sorted by key; an entry
         * that is no safe path is left out and told to {@code refuse}.
         */
        List<Node> of(String dir, Runnable refuse) throws IOException;
    }

    private final Children children;
    private final Deque<Iterator<Node>> stack = new ArrayDeque<>();
    private String next;
    private long refused;

    /** Reads the root directory at once, so that a storage that cannot be listed fails here. */
    TreeWalk(Children children) throws IOException {
        this.children = children;
        stack.push(children.of("", this::refuse).iterator());
    }

    private void refuse() {
        refused++;
    }

    @Override
    public boolean hasNext() {
        while (next == null && !stack.isEmpty()) {
            Iterator<Node> top = stack.peek();
            if (!top.hasNext()) {
                stack.pop();
                continue;
            }
            Node node = top.next();
            if (node.directory()) {
                try {
                    stack.push(children.of(node.path() + "/", this::refuse).iterator());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                next = node.path();
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
}
