package org.stevedore.bench;

/** The scenario ran but the store does not hold what it should: its figures would be meaningless. Exit code 1. */
final class BenchmarkFailed extends RuntimeException {

    BenchmarkFailed(String message) {
        super(message);
    }
}
