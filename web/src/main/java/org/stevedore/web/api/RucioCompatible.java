package org.stevedore.web.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a controller whose endpoints answer Rucio's REST API (same paths, parameters, bodies and error shape), so
 * that the stock Rucio client and tools written for Rucio work against them. The OpenAPI description says so for
 * each of its operations (tag {@code Rucio-compatible}, extension {@code x-rucio-compatible: true}, the summary);
 * endpoints of controllers without it are Stevedore's own.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RucioCompatible {
}
