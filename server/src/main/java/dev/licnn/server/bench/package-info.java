/**
 * The service benchmark ({@code licnn bench-service}): concurrent clients against an in-process
 * server, maps per second and latency percentiles at each client count.
 *
 * <p>It drives the server through the client API and real stubs; the server's own packages must not
 * import it.
 */
package dev.licnn.server.bench;
