package org.stevedore.transfer.storage;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * {@code file} PFNs on a locally mounted file system. The checksum is computed by reading the whole file, so a stat
 * costs a full read: fine for the embedded default and for checks, not for listing millions of files.
 */
public final class PosixStorage implements StorageProtocol {

    @Override
    public Optional<StorageStat> stat(String pfn) {
        Path path = FilePfn.toPath(pfn);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw new FatalStorageException("stat " + pfn + ": not a regular file", pfn);
            }
            return Optional.of(new StorageStat(attributes.size(), Adler32Checksum.of(path)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("stat", pfn, e);
        }
    }

    @Override
    public boolean exists(String pfn) {
        return Files.exists(FilePfn.toPath(pfn));
    }

    @Override
    public Deletion delete(String pfn) {
        Path path = FilePfn.toPath(pfn);
        try {
            if (Files.isDirectory(path)) {
                // The reaper deletes files; removing a directory here would be a wrong PFN doing damage.
                throw new FatalStorageException("delete " + pfn + ": is a directory, not a file", pfn);
            }
            return Files.deleteIfExists(path) ? Deletion.DELETED : Deletion.ALREADY_ABSENT;
        } catch (IOException e) {
            throw failure("delete", pfn, e);
        }
    }

    @Override
    public void mkdirs(String directoryPfn) {
        Path path = FilePfn.toPath(directoryPfn);
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw failure("mkdirs", directoryPfn, e);
        }
    }

    /**
     * Permission and shape problems stay the same on retry; anything else (EIO, a stale NFS handle, a full disk) may
     * not.
     */
    private static StorageException failure(String operation, String pfn, IOException e) {
        String message = operation + " " + pfn + " failed: " + e;
        if (e instanceof AccessDeniedException || e instanceof DirectoryNotEmptyException
                || e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
            return new FatalStorageException(message, pfn, 0, e);
        }
        return new TransientStorageException(message, pfn, 0, e);
    }
}
