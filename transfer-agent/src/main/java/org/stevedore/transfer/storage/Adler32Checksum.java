package org.stevedore.transfer.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.Adler32;

/** Adler32 as Rucio writes it: lower-case, zero-padded to 8 hex digits. */
public final class Adler32Checksum {

    private static final int BUFFER = 1 << 20;

    private Adler32Checksum() {
    }

    /** Streams the file through Adler32; never holds more than one buffer in memory. */
    public static String of(Path file) throws IOException {
        Adler32 adler = new Adler32();
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (in.read(buffer) >= 0) {
                buffer.flip();
                adler.update(buffer);
                buffer.clear();
            }
        }
        return format(adler.getValue());
    }

    public static String format(long value) {
        return String.format(Locale.ROOT, "%08x", value);
    }

    /**
     * The canonical form of a checksum written by someone else: servers and old catalogs drop leading zeros or use
     * upper case, and a plain string comparison would then report a mismatch for equal checksums.
     */
    public static String normalize(String adler32) {
        String hex = adler32.trim().toLowerCase(Locale.ROOT);
        if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("Not an adler32 checksum (1 to 8 hex digits): '" + adler32 + "'");
        }
        return "0".repeat(8 - hex.length()) + hex;
    }
}
