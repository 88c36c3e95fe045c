package org.stevedore.bench;

/** A command line the benchmark cannot run: unknown scenario or option, or a bad value. Exit code 2. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
