/**
 * The {@code licnn} command: picocli commands that wire the client, the server, the lab and the
 * experiments together, and the client-side outputs of {@code explain} (npy files, pictures,
 * result.json).
 *
 * <p>A command module wires; it computes nothing of its own that another module could use. It must
 * not hold statistics, image measures or report code (those belong to the experiments), and the
 * engine, batching and server packages must never import it.
 */
package dev.licnn.cli;
