package org.stevedore.web.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Rucio's error document; the same two values also travel as response headers. */
public record ErrorBody(
        @JsonProperty("ExceptionClass") String exceptionClass,
        @JsonProperty("ExceptionMessage") String exceptionMessage) {
}
