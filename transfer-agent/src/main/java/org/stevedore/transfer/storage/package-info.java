/**
 * Storage protocols: what the reaper and the checks ask of a storage endpoint (stat with size and adler32, exists,
 * delete, mkdirs), for posix ({@code file}) and WebDAV/HTTPS ({@code davs}, {@code dav}, {@code https}, {@code http})
 * PFNs, chosen by {@link org.stevedore.transfer.storage.StorageProtocols}.
 */
package org.stevedore.transfer.storage;
