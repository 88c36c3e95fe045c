package org.stevedore.transfer.storage;

import java.nio.file.Path;

/**
 * The local path of a {@code file} PFN. {@code Lfn2Pfn} writes them as {@code file:///prefix/path}, unencoded, so
 * they are not parsed as URIs: a name with a space or '%' must still map to the same file.
 */
public final class FilePfn {

    private static final String SCHEME = "file://";

    private FilePfn() {
    }

    public static Path toPath(String pfn) {
        if (pfn == null || !pfn.startsWith(SCHEME)) {
            throw new FatalStorageException("Not a file PFN (file:///absolute/path): '" + pfn + "'", pfn);
        }
        String rest = pfn.substring(SCHEME.length());
        // An authority is allowed only as "localhost" (RFC 8089); any other host is not this machine's file.
        if (rest.startsWith("localhost/")) {
            rest = rest.substring("localhost".length());
        }
        if (!rest.startsWith("/")) {
            throw new FatalStorageException("File PFN without an absolute local path: '" + pfn + "'", pfn);
        }
        Path path = Path.of(rest);
        // ".." would let a crafted name escape the RSE's prefix.
        for (Path part : path) {
            if (part.toString().equals("..")) {
                throw new FatalStorageException("File PFN with '..': '" + pfn + "'", pfn);
            }
        }
        return path;
    }

    public static String of(Path path) {
        return SCHEME + path.toAbsolutePath();
    }
}
