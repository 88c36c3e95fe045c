package org.stevedore.transfer.local;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.Adler32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a copy's temporary file from its source and checksums the very bytes written, in one pass.
 *
 * <p>Writes bypass the page cache (O_DIRECT) where the file system allows it: the copy is fsynced before it is
 * placed anyway, so caching its pages buys nothing, and on the virtual machines measured filling fresh page-cache
 * pages cost two to three times the CPU of the copy itself and grew from run to run, while direct writes from one
 * reused, aligned buffer stayed flat (see the README's local-copy row). Direct writes must be whole blocks at
 * block offsets: the last block is padded with zeros and the file truncated to its real length afterwards. The
 * fsync the placer does after this covers the data, the truncation and the size. Where a file system refuses direct
 * I/O the copy is written through the page cache, as before.
 */
final class CopyWriter {

    private static final Logger log = LoggerFactory.getLogger(CopyWriter.class);

    /** Bytes per read and write. */
    static final int BUFFER = 1 << 20;
    /** The buffer's alignment in memory; covers the block sizes direct I/O is used with. */
    private static final int ALIGNMENT = 1 << 16;

    private final boolean direct;
    /** Direct-write block size per file system (device id); 0 where direct writes are not used. */
    private final Map<Object, Integer> blocks = new ConcurrentHashMap<>();
    /** One aligned buffer per copy thread, reused from file to file. */
    private final ThreadLocal<ByteBuffer> buffers =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER + ALIGNMENT).alignedSlice(ALIGNMENT).slice(0, BUFFER));

    /** @param direct whether to try direct writes at all (false: always through the page cache) */
    CopyWriter(boolean direct) {
        this.direct = direct;
    }

    /** The temporary file, written and checksummed, still open for its fsync. */
    record Result(FileChannel channel, long bytes, long adler32) {
    }

    /**
     * Creates {@code temporary} (which must not exist) and copies {@code source} into it. On failure the channel is
     * closed; removing the file is the caller's business.
     */
    Result write(Path source, Path temporary) throws IOException {
        int block = direct ? directBlock(temporary.getParent()) : 0;
        FileChannel out = block > 0 ? openDirect(temporary) : null;
        if (out == null) {
            block = 0;
            out = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
        try {
            Adler32 adler = new Adler32();
            long bytes = copy(source, out, adler, block);
            return new Result(out, bytes, adler.getValue());
        } catch (IOException | RuntimeException e) {
            Placer.closeQuietly(out);
            throw e;
        }
    }

    /** Fills the buffer from the source before each write, so direct writes are whole buffers but the last. */
    private long copy(Path source, FileChannel out, Adler32 adler, int block) throws IOException {
        ByteBuffer buffer = buffers.get();
        long bytes = 0;
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            boolean end = false;
            while (!end) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    if (in.read(buffer) < 0) {
                        end = true;
                        break;
                    }
                }
                buffer.flip();
                int n = buffer.remaining();
                if (n == 0) {
                    break;
                }
                adler.update(buffer.duplicate());
                bytes += n;
                if (block > 0 && n % block != 0) {
                    // The last, partial block: padded with zeros for the direct write, cut off below.
                    int padded = (n / block + 1) * block;
                    buffer.limit(padded);
                    for (int i = n; i < padded; i++) {
                        buffer.put(i, (byte) 0);
                    }
                }
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
        }
        if (block > 0 && out.size() != bytes) {
            out.truncate(bytes);
        }
        return bytes;
    }

    /**
     * The block size to align direct writes to in {@code directory}, or 0 when direct writes cannot be used there.
     * Looked up once per file system: finding a path's file store reads the mount table.
     */
    private int directBlock(Path directory) {
        try {
            Object device = Files.getAttribute(directory, "unix:dev");
            return blocks.computeIfAbsent(device, d -> blockSize(directory));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 0;
        }
    }

    private static int blockSize(Path directory) {
        try {
            long block = Files.getFileStore(directory).getBlockSize();
            return block > 0 && block <= ALIGNMENT && BUFFER % block == 0 ? (int) block : 0;
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    /** Null when the file system refuses direct I/O. */
    private static FileChannel openDirect(Path temporary) throws IOException {
        Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        try {
            return FileChannel.open(temporary, options);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | IOException e) {
            log.debug("No direct writes for {}: {}", temporary, e.toString());
            // Linux creates the file before it refuses O_DIRECT; the name is ours (random), so start over without.
            Files.deleteIfExists(temporary);
            return null;
        }
    }
}
