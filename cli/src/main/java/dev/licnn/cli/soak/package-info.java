/**
 * {@code licnn soak}: sustained mixed traffic against a server started as a child process, with
 * per-minute heap, RSS and request tables and a verdict on their growth.
 *
 * <p>It talks to the server only through the client and the server's metrics endpoint: it must not
 * import the server, the batcher or the engine.
 */
package dev.licnn.cli.soak;
