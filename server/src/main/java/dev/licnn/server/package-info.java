/**
 * The gRPC server: the {@code licnn.v1} service, which translates requests into engine work and
 * engine events into streamed messages, the served models, the worker pool's processors, status
 * mapping ({@link dev.licnn.server.Statuses}), TLS, tokens, health and metrics.
 *
 * <p>The server only translates and wires: LICNN itself lives in the engine and batching in {@code
 * dev.licnn.batch}, which must not import this package. The client must not import it either.
 */
package dev.licnn.server;
