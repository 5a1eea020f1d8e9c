/**
 * Engine benchmarks and device parity ({@code licnn bench-engine}, {@code licnn parity}): forward
 * passes per map, stage times and maps per second of the engine settings, measured in one process
 * against a baseline run.
 *
 * <p>Like the rest of the engine it must not import gRPC, the server or the batcher.
 */
package dev.licnn.engine.bench;
