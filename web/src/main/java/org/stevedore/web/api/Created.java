package org.stevedore.web.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Rucio answers creations with 201 and the body {@code Created}. */
public final class Created {

    private Created() {
    }

    public static ResponseEntity<String> response() {
        return ResponseEntity.status(HttpStatus.CREATED).contentType(MediaType.TEXT_PLAIN).body("Created");
    }
}
