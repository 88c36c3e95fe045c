package org.stevedore.tape.emulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the emulated bytes live. {@link #none()} keeps only sizes (benchmarks, tests of timing); {@link #directories}
 * keeps the cartridges' content in one directory tree and the disk buffer in another, so a staged file can be read
 * (copied out) like a file on a real buffer.
 */
interface TapeMedia {

    /** A recall finished: the file's bytes appear in the buffer. */
    void recalled(String path) throws IOException;

    /** A migration finished: the buffer's bytes are now on tape. */
    void archived(String path) throws IOException;

    /** The buffer dropped its copy. */
    void evicted(String path) throws IOException;

    /** The buffer copy of a path, when there is one on disk. */
    Optional<Path> bufferFile(String path);

    static TapeMedia none() {
        return new TapeMedia() {
            @Override
            public void recalled(String path) {
            }

            @Override
            public void archived(String path) {
            }

            @Override
            public void evicted(String path) {
            }

            @Override
            public Optional<Path> bufferFile(String path) {
                return Optional.empty();
            }
        };
    }

    static Directories directories(Path tapeRoot, Path bufferRoot) {
        return new Directories(tapeRoot, bufferRoot);
    }

    /** Cartridge content under {@code tapeRoot}, the buffer under {@code bufferRoot}; a path maps to the same relative file in each. */
    record Directories(Path tapeRoot, Path bufferRoot) implements TapeMedia {

        public Directories {
            tapeRoot = tapeRoot.toAbsolutePath().normalize();
            bufferRoot = bufferRoot.toAbsolutePath().normalize();
            try {
                Files.createDirectories(tapeRoot);
                Files.createDirectories(bufferRoot);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the emulated tape's directories", e);
            }
        }

        /** A file found under the tape root. */
        record Found(String path, long size) {
        }

        /** Every regular file under the tape root, in path order. */
        List<Found> scan() throws IOException {
            List<Found> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(tapeRoot)) {
                for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                    files.add(new Found(pathOf(tapeRoot.relativize(file)), Files.size(file)));
                }
            }
            return files;
        }

        @Override
        public void recalled(String path) throws IOException {
            copy(resolve(tapeRoot, path), resolve(bufferRoot, path));
        }

        @Override
        public void archived(String path) throws IOException {
            copy(resolve(bufferRoot, path), resolve(tapeRoot, path));
        }

        @Override
        public void evicted(String path) throws IOException {
            Files.deleteIfExists(resolve(bufferRoot, path));
        }

        @Override
        public Optional<Path> bufferFile(String path) {
            Path file = resolve(bufferRoot, path);
            return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
        }

        long bufferSize(String path) throws IOException {
            return Files.size(resolve(bufferRoot, path));
        }

        /** Copies through a temporary name, so a reader never sees half a file. */
        private static void copy(Path from, Path to) throws IOException {
            Files.createDirectories(to.getParent());
            Path partial = to.resolveSibling(to.getFileName() + ".part");
            Files.copy(from, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }

        static Path resolve(Path root, String path) {
            Path file = root.resolve(path.startsWith("/") ? path.substring(1) : path).normalize();
            if (!file.startsWith(root) || file.equals(root)) {
                throw new IllegalArgumentException("Path " + path + " is outside the emulated tape");
            }
            return file;
        }

        private static String pathOf(Path relative) {
            StringBuilder path = new StringBuilder();
            for (Path part : relative) {
                path.append('/').append(part);
            }
            return path.toString();
        }
    }
}
