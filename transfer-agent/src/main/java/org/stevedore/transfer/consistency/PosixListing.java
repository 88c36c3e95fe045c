package org.stevedore.transfer.consistency;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A walk of a posix RSE's prefix directory ({@link TreeWalk}: depth first, in the catalog's path order). Symbolic links
 * are not followed, and only regular files are listed.
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

    @Override
    public Paths open() throws IOException {
        return new TreeWalk(this::children);
    }

    /** Directories and regular files of {@code dir} (links not followed); a file at no safe path is refused. */
    private List<TreeWalk.Node> children(String dir, Runnable refuse) throws IOException {
        Path directory = root.resolve(dir);
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<TreeWalk.Node> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(new TreeWalk.Node(name + "/", dir + name, true));
                } else if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                } else if (RelativePaths.safe(dir + name)) {
                    out.add(new TreeWalk.Node(name, dir + name, false));
                } else {
                    refuse.run();
                }
            }
        }
        out.sort(Comparator.comparing(TreeWalk.Node::key));
        return out;
    }
}
