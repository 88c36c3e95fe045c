/**
 * An <b>emulated</b> tape library with a disk buffer ({@link org.stevedore.tape.emulator.TapeEmulator}), behind the
 * same {@link org.stevedore.tape.endpoint.TapeEndpoint} interface as the WLCG Tape REST client: the embedded default's
 * local tape RSE, and a stand-in for tests and benchmarks. Not a tape system; production talks to a real one.
 */
package org.stevedore.tape.emulator;
