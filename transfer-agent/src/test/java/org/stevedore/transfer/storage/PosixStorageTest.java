package org.stevedore.transfer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stevedore.catalog.rse.Lfn2Pfn;
import org.stevedore.catalog.rse.RseProtocol;

class PosixStorageTest {

    @TempDir
    Path dir;

    private final PosixStorage posix = new PosixStorage();

    @Test
    void statGivesSizeAndStreamedAdler32OfAFile() throws Exception {
        // "Wikipedia" is the classic Adler-32 example: 0x11e60398
        Path file = Files.writeString(dir.resolve("wiki"), "Wikipedia");

        assertThat(posix.stat(FilePfn.of(file))).contains(new StorageStat(9, "11e60398"));
    }

    @Test
    void statOfAFileLargerThanTheBufferMatchesAOneShotChecksum() throws Exception {
        byte[] content = new byte[3 * (1 << 20) + 12_345];
        new java.util.Random(42).nextBytes(content);
        Path file = Files.write(dir.resolve("big"), content);
        Adler32 expected = new Adler32();
        expected.update(content);

        StorageStat stat = posix.stat(FilePfn.of(file)).orElseThrow();

        assertThat(stat.size()).isEqualTo(content.length);
        assertThat(stat.adler32()).isEqualTo(String.format("%08x", expected.getValue()));
    }

    @Test
    void checksumsKeepLeadingZeros() throws Exception {
        // The empty file's adler32 is 1: "00000001", never "1"
        Path empty = Files.createFile(dir.resolve("empty"));

        assertThat(posix.stat(FilePfn.of(empty))).contains(new StorageStat(0, "00000001"));
    }

    @Test
    void statOfAMissingFileIsEmpty() {
        assertThat(posix.stat(FilePfn.of(dir.resolve("nothing")))).isEmpty();
        assertThat(posix.exists(FilePfn.of(dir.resolve("nothing")))).isFalse();
    }

    @Test
    void statOfADirectoryIsRefused() {
        assertThatThrownBy(() -> posix.stat(FilePfn.of(dir)))
                .isInstanceOf(FatalStorageException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void deleteRemovesTheFileAndAMissingFileCountsAsAlreadyAbsent() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        String pfn = FilePfn.of(file);

        assertThat(posix.delete(pfn)).isEqualTo(Deletion.DELETED);
        assertThat(file).doesNotExist();
        assertThat(posix.delete(pfn)).isEqualTo(Deletion.ALREADY_ABSENT);
    }

    @Test
    void deleteNeverRemovesADirectory() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));

        assertThatThrownBy(() -> posix.delete(FilePfn.of(sub))).isInstanceOf(FatalStorageException.class);
        assertThat(sub).isDirectory();
    }

    @Test
    void mkdirsCreatesParentsAndAcceptsAnExistingDirectory() {
        Path deep = dir.resolve("a/b/c");

        posix.mkdirs(FilePfn.of(deep));
        posix.mkdirs(FilePfn.of(deep));

        assertThat(deep).isDirectory();
        assertThat(posix.exists(FilePfn.of(deep))).isTrue();
    }

    @Test
    void mkdirsWhereAFileStandsFailsFatally() throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");

        assertThatThrownBy(() -> posix.mkdirs(FilePfn.of(file))).isInstanceOf(FatalStorageException.class);
    }

    @Test
    void worksOnThePfnsLfn2PfnBuildsIncludingNamesWithSpaces() throws Exception {
        RseProtocol file = new RseProtocol("file", "", 0, dir.toString(), "posix", 1, 1, 1, 1, 1, 1, 0, 0, Map.of());
        String pfn = Lfn2Pfn.pfn(file, Lfn2Pfn.hash("data24", "run 1 %20.root"));
        Path expected = dir.resolve(Lfn2Pfn.hash("data24", "run 1 %20.root"));
        Files.createDirectories(expected.getParent());
        Files.write(expected, "abc".getBytes(StandardCharsets.UTF_8));

        assertThat(pfn).startsWith("file:///");
        assertThat(posix.stat(pfn)).map(StorageStat::size).contains(3L);
    }

    @Test
    void malformedPfnsAreFatal() {
        assertThatThrownBy(() -> posix.stat("davs://host/x")).isInstanceOf(FatalStorageException.class);
        assertThatThrownBy(() -> posix.stat("file://relative/x")).isInstanceOf(FatalStorageException.class);
        assertThatThrownBy(() -> posix.delete("file:///data/rse/../../etc/passwd"))
                .isInstanceOf(FatalStorageException.class).hasMessageContaining("..");
    }
}
