/**
 * gRPC-Web for browsers: hosts grpc-java services on an HTTP port (Armeria on its own Netty), with
 * the static assets of the live viewer beside them.
 *
 * <p>The services are the very instances the gRPC port serves, so both ports share one worker pool,
 * one set of limits and one set of metrics. This package knows nothing of LICNN: it must not import
 * the engine ({@code dev.licnn.engine}), the batcher ({@code dev.licnn.batch}) or the gRPC layer
 * ({@code dev.licnn.server}); {@link dev.licnn.server.LicnnServer} depends on it, not the other way
 * round.
 */
package dev.licnn.server.web;
