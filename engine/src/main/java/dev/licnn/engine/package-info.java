/**
 * The LICNN engine's root: the {@link dev.licnn.engine.InvalidInputException} family, the only
 * exceptions that mean the caller's input is at fault.
 *
 * <p>The engine knows nothing of transports: no package under {@code dev.licnn.engine} may import
 * gRPC, generated protocol classes, the server, the batcher or the lab.
 */
package dev.licnn.engine;
