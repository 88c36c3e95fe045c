package org.stevedore.tape.endpoint;

/** One file's locality; {@code error} is the endpoint's reason when it could not tell, else null. */
public record ArchiveInfo(String path, Locality locality, String error) {
}
